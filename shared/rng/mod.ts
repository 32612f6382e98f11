export { Stream } from './stream.js';
