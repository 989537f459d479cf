// HDF5's file signature, apart from the robomimic reader so that recognising a file does not load h5wasm.

const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])

/** HDF5's signature at offset 0 (files written by h5py and h5wasm put the superblock there). */
export function isHdf5(head: Buffer): boolean {
  return head.subarray(0, 8).equals(HDF5_MAGIC)
}
