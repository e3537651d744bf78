// The one free-port helper of the project, for the tests' own servers.
export { freePort } from '../../scripts/throwaway-servers';
