#!/usr/bin/env node
import { register } from 'node:module';
import { execute } from '@oclif/core';

// Installed plugins import `headstart/plugin`; this resolves it to the running headstart (see host-resolve.js).
register('./host-resolve.js', import.meta.url);
await execute({ dir: import.meta.url });
