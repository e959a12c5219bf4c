// frontend-platform imports the MFE's env.config (a frontend-build alias); the harness configures itself instead.
export default {};
