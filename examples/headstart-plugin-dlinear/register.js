import plugin from './plugin.js';

/** headstart's CLI calls this hook at start-up: the plugin's components join the built-in ones. */
export default async function ({ register }) {
  register(plugin, 'headstart-plugin-dlinear');
}
