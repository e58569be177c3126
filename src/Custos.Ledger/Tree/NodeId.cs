namespace Custos.Ledger.Tree;

/// <summary>
/// A perfect subtree: the <paramref name="Index"/>-th subtree of <c>2^Level</c> leaves, covering
/// leaves <c>[Index·2^Level, (Index+1)·2^Level)</c>. Level 0 is a leaf. Once the tree holds its
/// last leaf its hash never changes, which is what lets stores keep it and proofs read it.
/// </summary>
public readonly record struct NodeId(int Level, long Index)
{
    public long FirstLeaf => Index << Level;

    /// <summary>One past the last leaf it covers: the tree size at which it becomes complete.</summary>
    public long EndLeaf => (Index + 1) << Level;

    public override string ToString() => $"level {Level} index {Index} (entries {FirstLeaf}..{EndLeaf - 1})";
}
