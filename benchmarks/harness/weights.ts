export { useWeightsFolder } from '../../core/io/weights-folder.js';
