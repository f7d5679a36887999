/**
 * A handler whose dependencies need the network to build (the settings in the content bucket, the
 * signing key in SSM): built on the first call, once per container, and reused by every warm call.
 * A build that fails is tried again on the next call.
 */
export function onFirstCall<H extends (...args: never[]) => Promise<unknown>>(build: () => Promise<H>): H {
  let built: Promise<H> | undefined;
  const handler = async (...args: Parameters<H>) => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return (await built)(...args);
  };
  return handler as unknown as H;
}
