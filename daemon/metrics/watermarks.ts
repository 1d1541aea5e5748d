import type { Db } from "../db/database.js";
import type { Level } from "./periods.js";

/** Per aggregated level, the exclusive end of the last window rolled up into it; absent before the first roll-up. */
export type Watermarks = Partial<Record<Level, number>>;

/** The `metrics_watermarks` table. */
export class WatermarkStore {
  private readonly select;
  private readonly upsert;

  constructor(db: Db) {
    this.select = db.prepare<[], { type: Level; until: number }>("SELECT type, processed_until AS until FROM metrics_watermarks");
    this.upsert = db.prepare<[Level, number]>(
      "INSERT INTO metrics_watermarks (type, processed_until) VALUES (?, ?) ON CONFLICT (type) DO UPDATE SET processed_until = excluded.processed_until",
    );
  }

  read(): Watermarks {
    const marks: Watermarks = {};
    for (const row of this.select.all()) marks[row.type] = row.until;
    return marks;
  }

  write(level: Level, until: number): void {
    this.upsert.run(level, until);
  }
}
