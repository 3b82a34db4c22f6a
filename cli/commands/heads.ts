import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../base-command.js';
import type { Head } from '../../core/interfaces/index.js';
import { renderTable } from '../../core/report/table.js';

export default class Heads extends HeadstartCommand {
  static override summary = 'List installed heads: id, task, the plugin that registered it, what it predicts';
  static override examples = ['<%= config.bin %> heads', '<%= config.bin %> heads --task recommend --json'];
  static override flags = {
    task: Flags.string({ description: 'only heads of this task (one an installed plugin serves, e.g. forecast or recommend)' }),
  };

  async run(): Promise<{ heads: { id: string; task: string; plugin: string; description: string }[] }> {
    const { flags } = await this.parse(Heads);
    await this.setup(flags.backend);
    const task = this.servedTask(flags.task);
    const heads = this.registry
      .all<Head<unknown>>('head')
      .map((r) => ({ id: r.id, task: r.component.task, plugin: r.owner, description: r.component.description }))
      .filter((h) => !task || h.task === task);
    this.say(renderTable(['id', 'task', 'plugin', 'description'], heads.map((h) => [h.id, h.task, h.plugin, h.description.length > 48 ? `${h.description.slice(0, 47)}…` : h.description])));
    return { heads };
  }
}
