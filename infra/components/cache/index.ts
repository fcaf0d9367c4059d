export { Cache, type CacheArgs, type CacheConnectionSecret } from "./cache";
export {
  AUTH_TOKEN_LENGTH,
  authTokenProblem,
  CACHE_DEFAULTS,
  cacheProblems,
  cacheUrl,
  type CacheSettings,
} from "./args";
