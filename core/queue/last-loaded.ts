/**
 * The last thing a worker loaded under a key (a model, a data file): the shards of one run share
 * their inputs, so each worker loads them once; a new key replaces (and may dispose of) the old
 * value, which keeps a worker's memory to one run's inputs. A failed load is not kept.
 */
export class LastLoaded<T> {
  private key?: string;
  private value?: Promise<T>;

  get(key: string, load: () => Promise<T>, drop?: (old: T) => void): Promise<T> {
    if (this.key !== key || !this.value) {
      const old = this.value;
      if (old && drop) void old.then(drop, () => {});
      this.key = key;
      const value = load();
      this.value = value;
      value.catch(() => {
        if (this.value === value) this.key = this.value = undefined;
      });
    }
    return this.value;
  }
}
