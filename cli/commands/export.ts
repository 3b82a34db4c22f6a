import { Flags } from '@oclif/core';
import { HeadstartCommand } from '../base-command.js';
import { exportModelFolder } from '../../core/export/model-export.js';
import { writeFileAtomic } from '../../core/io/atomic.js';
import { checkNotInput } from '../flags/output.js';

export default class Export extends HeadstartCommand {
  static override summary = 'Export a saved model (transfer --out, or a weights folder) to safetensors, for PyTorch, NumPy, JAX or Rust';
  static override description =
    "Writes every network's weights as `<network>/<weight name>` tensors, the folder's other data files as bytes under `files/<name>`, and in the metadata the folder's manifest and each network's layer topology. Every file is verified against the manifest first. Plain tfjs cannot open a headstart model (its layers are headstart's own classes); another implementation of the architecture can load these weights (see docs/writing-a-plugin.md). In Python: `from safetensors.numpy import load_file; load_file('model.safetensors')`.";
  static override examples = [
    '<%= config.bin %> export --model model/ --out model.safetensors',
  ];
  static override flags = {
    model: Flags.string({ description: 'model folder written by `transfer`', required: true }),
    out: Flags.string({ description: 'safetensors file to write', required: true }),
    format: Flags.string({ description: 'export format', options: ['safetensors'], default: 'safetensors' }),
  };

  async run() {
    const { flags } = await this.parse(Export);
    checkNotInput(flags);
    const e = exportModelFolder(flags.model);
    await writeFileAtomic(flags.out, e.bytes);
    this.say(`${e.task.startsWith('weights') ? e.task : `${e.task} model`}: ${e.networks.join(' + ')}, ${e.tensors} tensors (${e.parameters.toLocaleString('en-US')} parameters${e.files.length ? `, files ${e.files.join(', ')}` : ''}), ${(e.bytes.byteLength / 1024).toFixed(0)} KiB -> ${flags.out}`);
    return { out: flags.out, task: e.task, networks: e.networks, tensors: e.tensors, parameters: e.parameters, files: e.files, bytes: e.bytes.byteLength };
  }
}
