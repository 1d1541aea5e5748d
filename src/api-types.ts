/** JSON shapes of the management API, shared by the daemon's routes and the CLI. */

export interface HealthBody {
  status: "ok";
  version: string;
}

export interface StatusBody {
  pid: number;
  version: string;
  startedAt: string;
  uptimeSeconds: number;
  dataDir: string;
  socket: string;
  host: string;
  functionPort: number;
  managementPort: number;
  singlePort: boolean;
  nodeVersion: string;
  memory: { rssBytes: number; heapUsedBytes: number };
}

export interface Setting {
  name: string;
  value: string;
  default: string;
}

export interface SettingsListBody {
  settings: Setting[];
}

export interface SettingBody {
  setting: Setting & { description: string; allowed: string };
}

export interface SettingsUpdateBody {
  success: true;
  updated: number;
}
