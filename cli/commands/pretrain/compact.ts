import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../../base-command.js';
import { checkOutput, forceFlag } from '../../flags/output.js';
import { compactWeights } from '../../../plugins/recommendation/index.js';
import { quote } from 'shell-quote';

export default class PretrainCompact extends HeadstartCommand {
  static override summary = "Drop the source catalogue's item rows from a recommendation weights folder (what a transfer to another catalogue never reads)";
  static override description =
    "The next-item head keeps an embedding, a bias and statistics per item of the pretraining catalogue; a transfer to a new catalogue copies only the catalogue-independent weights. The compact folder keeps the backbone as it is and a head over one placeholder item with those weights copied bit for bit, so every transfer to a new catalogue gives the same results; the manifest records the command and the full head's sha256. Only `transfer recommend --item-transfer same-catalogue` needs the full folder.";
  static override examples = ['<%= config.bin %> pretrain compact --weights full-weights/ --out weights/'];
  static override flags = {
    weights: Flags.string({ description: 'weights folder written by `headstart pretrain recommend`', required: true }),
    out: Flags.string({ description: 'folder to write', required: true }),
    ...forceFlag,
  };

  async run() {
    const { flags } = await this.parse(PretrainCompact);
    checkOutput(flags);
    await this.setup(flags.backend);
    const command = quote(['headstart', 'pretrain', 'compact', ...this.argv]);
    const r = await compactWeights(flags.weights, flags.out, command, { force: flags.force });
    this.say(`head over ${r.items.toLocaleString('en-US')} items (${r.parametersBefore.toLocaleString('en-US')} values) -> over 1 placeholder item (${r.parametersAfter.toLocaleString('en-US')}); backbone unchanged -> ${flags.out}`);
    return { out: flags.out, items: r.items, parametersBefore: r.parametersBefore, parametersAfter: r.parametersAfter };
  }
}
