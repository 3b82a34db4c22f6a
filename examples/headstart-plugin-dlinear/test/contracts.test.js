import { builtinPlugins } from 'headstart';
import { componentContracts } from 'headstart/testing';
import plugin from '../plugin.js';

// The checks every built-in component passes, over this plugin's components only.
componentContracts([...builtinPlugins, plugin], { owners: ['headstart-plugin-dlinear'] });
