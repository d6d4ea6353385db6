/** The size report's data model: what goes in (an image and maybe its build stages), what comes out. */
import type { Descriptor, Digest, ImageConfig } from '../image/oci.js';

/** A stage of the build that produced the image, with its whole layer list (base layers included). */
export interface StageInput {
  name: string;
  /** True for the stage that became the image. */
  inImage: boolean;
  layers: Descriptor[];
}

export interface ReportInput {
  image: { ref?: string; id?: Digest; config: ImageConfig; layers: Descriptor[] };
  stages?: StageInput[];
}

/** One layer of the final image and the instruction that made it. */
export interface LayerReport {
  index: number;
  /** Blob digest (compressed, as stored). */
  digest: Digest;
  diffID?: Digest;
  /** Bytes of the stored blob. */
  compressedSize: number;
  /** Bytes of regular-file content in the layer (what `docker history` shows). */
  size: number;
  /** Entries in the layer's tar, whiteouts included. */
  entries: number;
  createdBy: string;
  created?: string;
}

export interface PathSize {
  /** Absolute path in the image (`/usr/bin`). */
  path: string;
  size: number;
}

/** A path seen in more than one layer (dive's "inefficiency"): `size` sums every copy of it. */
export interface WastedPath extends PathSize {
  /** How many layers touched the path (adds, overwrites, deletions). */
  count: number;
}

export interface WasteReport {
  /** dive's wasted bytes: the cumulative size of every path seen in two or more layers. */
  bytes: number;
  /** `bytes` over the content of all layers but the first (dive's "wasted user percent"), 0..1+. */
  userFraction: number;
  /** dive's efficiency score: sum of each path's smallest copy over the sum of all copies, 0..1. */
  efficiency: number;
  /** Biggest offenders first. */
  paths: WastedPath[];
}

/** A node of the final filesystem for the treemap; `r` places it inside its parent's box. */
export interface TreeNode {
  name: string;
  size: number;
  dir?: boolean;
  /** Stands for several small entries folded together. */
  rest?: number;
  /** [x, y, w, h], fractions of the parent's box (laid out for a 2:1 box). */
  r?: [number, number, number, number];
  children?: TreeNode[];
}

export interface StageReport {
  name: string;
  inImage: boolean;
  /** Content bytes of the stage's filesystem (after whiteouts). */
  size: number;
  layers: number;
  /** Bytes of files in this stage that the final image does not have (same path and size). */
  leftBehind: number;
  /** Where `leftBehind` lives: the top directories, each narrowed while one child dominates it. */
  leftBehindDirs: PathSize[];
  /** Set when some of the stage's layers are gone from the store (pruned since the build). */
  unavailable?: string;
}

export interface ReportResult {
  image: {
    ref?: string;
    id?: Digest;
    /** Content bytes of the final filesystem. */
    size: number;
    /** Content bytes of all layers (counts overwritten and deleted files too). */
    layersSize: number;
    compressedSize: number;
    layers: number;
    files: number;
  };
  layers: LayerReport[];
  largestFiles: PathSize[];
  largestDirs: PathSize[];
  waste: WasteReport;
  stages: StageReport[];
  tree: TreeNode;
}

export type ReportFormat = 'text' | 'json' | 'html';
