export { buildApi, API_PREFIX, type ApiOptions } from './build-api.ts';
export { toProblem, problem, PROBLEM_CONTENT_TYPE, type Problem } from './problem.ts';
