package io.kinko.vault;

/**
 * What a verification of the access log checked and found sound.
 *
 * @param treeSize entries ever appended (the Merkle tree's size)
 * @param entriesChecked entries still stored (not pruned) whose bytes, chain and leaf were checked
 * @param checkpointsChecked signed checkpoints whose signature and root were checked
 * @param witnessChecked whether a checkpoint from outside the vault was checked for consistency
 */
public record LogReport(long treeSize, long entriesChecked, int checkpointsChecked, boolean witnessChecked) {}
