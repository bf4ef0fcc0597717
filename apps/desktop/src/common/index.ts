export * from './bridge-api';
export * from './channels';
export * from './remote-error';
export * from './run-events';
export * from './service-methods';
