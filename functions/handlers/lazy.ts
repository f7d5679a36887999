/**
 * A handler's dependencies, built once per container (reused across warm invocations) by the AWS
 * wiring unless another wiring (the local server, a test) provides them.
 */
export interface LazyDeps<T> {
  get(): Promise<T>;
  provide(build: (() => Promise<T>) | undefined): void;
}

export function lazyDeps<T>(fromEnv: () => Promise<T>): LazyDeps<T> {
  let provider: (() => Promise<T>) | undefined;
  let built: Promise<T> | undefined;
  return {
    get() {
      built ??= (provider ?? fromEnv)().catch((error: unknown) => {
        built = undefined;
        throw error;
      });
      return built;
    },
    provide(build) {
      provider = build;
      built = undefined;
    },
  };
}
