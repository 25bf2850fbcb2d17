/** `GET /get_role_data`: which of the tutorial's roles the session token carries. */
export type RoleDataResponse = {
  valid_teacher: boolean;
  valid_student: boolean;
};

export const GET_ROLE_DATA_PATH = '/get_role_data';
