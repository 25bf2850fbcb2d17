/** `GET /get_roles`: the tutorial's protected message and the caller's roles. */
export type RolesResponse = {
  secretMessage: string;
  roles: string[];
};

export const GET_ROLES_PATH = '/get_roles';
