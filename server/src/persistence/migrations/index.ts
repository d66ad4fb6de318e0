import { Migration20261125203855 } from './Migration20261125203855.ts';
import { Migration20261125205655 } from './Migration20261125205655.ts';
import { Migration20261125213128 } from './Migration20261125213128.ts';
import { Migration20261125215040 } from './Migration20261125215040.ts';
import { Migration20261125230214 } from './Migration20261125230214.ts';
import { Migration20261125233221 } from './Migration20261125233221.ts';
import { Migration20261202141615 } from './Migration20261202141615.ts';
import { Migration20261202181518 } from './Migration20261202181518.ts';
import { Migration20261203113000 } from './Migration20261203113000.ts';
import { Migration20261203121500 } from './Migration20261203121500.ts';
import { Migration20261203130000 } from './Migration20261203130000.ts';

// Listed here rather than discovered from the folder, so migrations load the same way under
// tsx, vitest and a bundler. `npm run migration:create` regenerates this list.
export const migrationsList = [
  { name: 'Migration20261125203855', class: Migration20261125203855 },
  { name: 'Migration20261125205655', class: Migration20261125205655 },
  { name: 'Migration20261125213128', class: Migration20261125213128 },
  { name: 'Migration20261125215040', class: Migration20261125215040 },
  { name: 'Migration20261125230214', class: Migration20261125230214 },
  { name: 'Migration20261125233221', class: Migration20261125233221 },
  { name: 'Migration20261202141615', class: Migration20261202141615 },
  { name: 'Migration20261202181518', class: Migration20261202181518 },
  { name: 'Migration20261203113000', class: Migration20261203113000 },
  { name: 'Migration20261203121500', class: Migration20261203121500 },
  { name: 'Migration20261203130000', class: Migration20261203130000 },
];
