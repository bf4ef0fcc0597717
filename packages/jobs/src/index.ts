export type * from './studio-service';
