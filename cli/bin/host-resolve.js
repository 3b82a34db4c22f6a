/**
 * A module resolution hook (node:module register): a plugin installed with `headstart plugins
 * install` lives in oclif's data folder, where no `headstart` package is installed beside it (its
 * peer dependency is optional, so npm does not fetch a second copy). Its imports of `headstart` and
 * `headstart/…` then resolve to the headstart running it: one copy of the API, of tfjs, of the DI
 * tokens. Anything that resolves on its own is left alone.
 */
const HOST = new URL('../../package.json', import.meta.url).href;

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    const own = specifier === 'headstart' || specifier.startsWith('headstart/');
    if (!own || err?.code !== 'ERR_MODULE_NOT_FOUND' || context.parentURL === HOST) throw err;
    return next(specifier, { ...context, parentURL: HOST });
  }
}
