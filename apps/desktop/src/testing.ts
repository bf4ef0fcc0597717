export { TestStudioService, RunNotFoundError, type TestStudioServiceOptions } from './testing/test-studio-service';
export { TEST_CONFIG_FIELDS, validateTestConfig } from './testing/test-config-fields';
