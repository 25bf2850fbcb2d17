import './ui.css';

export { Alert } from './alert';
export { Button } from './button';
export { Card } from './card';
export { PageLoading } from './page-loading';
export { Skeleton } from './skeleton';
export { Spinner } from './spinner';
export { TextField } from './text-field';
