import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../base-command.js';
import type { Backbone, BackboneInfo } from '../../core/interfaces/index.js';
import { renderTable } from '../../core/report/table.js';

/** Width left for the corpus column in a 100-column terminal after the other columns. */
const CORPUS_WIDTH = 24;

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1).trimEnd()}…`;
}

export default class Backbones extends HeadstartCommand {
  static override summary = 'List installed backbones: id, task, parameters, context length, pretraining corpus';
  static override examples = ['<%= config.bin %> backbones', '<%= config.bin %> backbones --task forecast --json'];
  static override flags = {
    task: Flags.string({ description: 'only backbones of this task (one an installed plugin serves, e.g. forecast or recommend)' }),
  };

  async run(): Promise<{ backbones: (BackboneInfo & { plugin: string })[]; backend: string }> {
    const { flags } = await this.parse(Backbones);
    await this.setup(flags.backend);
    const task = this.servedTask(flags.task);
    const infos = this.registry
      .all<Backbone<unknown>>('backbone')
      .map((r) => ({ ...r.component.describe(), plugin: r.owner }))
      .filter((i) => !task || i.task === task);
    this.say(
      renderTable(
        ['id', 'task', 'plugin', 'parameters', 'context', 'details', 'weights', 'pretraining corpus'],
        infos.map((i) => [i.id, i.task, i.plugin, i.parameters.toLocaleString('en-US'), String(i.contextLength), Object.entries(i.details ?? {}).map(([k, v]) => `${k} ${v}`).join(', ') || '-', i.hasWeights ? `v${i.version}` : 'none', shorten(i.corpus, CORPUS_WIDTH)]),
      ),
    );
    this.say('(corpus descriptions are shortened to fit 100 columns; --json has them whole)');
    this.say(`backend: ${this.backend.active}`);
    return { backbones: infos, backend: this.backend.active };
  }
}
