using System.Text;
using Custos.Ledger.Hashing;
using Custos.Ledger.Log;
using Custos.Ledger.Proofs;
using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Memory;
using FsCheck;
using FsCheck.Fluent;

namespace Custos.Ledger.Tests.Proofs;

/// <summary>
/// Properties over generated logs: every proof the log produces verifies, and changing any one
/// byte of the entry, of any proof element or of the root makes verification fail.
/// </summary>
public sealed class ProofPropertyTests
{
    private const int MaxEntries = 70;

    // FsCheck runs inside a plain fact: FsCheck.Xunit.v3 needs xunit.v3 4, the repository is on 3.
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(60);

    [Fact]
    public void Every_inclusion_proof_verifies_and_any_flipped_byte_breaks_it() =>
        Check.One(Runs, Prop.ForAll(Scenario(), scenario =>
        {
            var (entries, index, size, flip) = scenario;
            using var log = Log.Build(entries);
            var proof = log.Value.ProveInclusionAsync(index, size).GetAwaiter().GetResult();
            var root = log.Value.RootAsync(size).GetAwaiter().GetResult();
            var entry = log.Value.ReadEntryAsync(index).GetAwaiter().GetResult();

            bool Verifies(byte[] e, IReadOnlyList<byte[]> p, byte[] r)
            {
                try
                {
                    ProofVerifier.VerifyInclusion((ulong)index, (ulong)size, Rfc9162.HashLeaf(e), p, r);
                    return true;
                }
                catch (ProofVerificationException)
                {
                    return false;
                }
            }

            if (!Verifies(entry, proof.Hashes, root))
            {
                return false;
            }
            // One flipped bit in the entry, in one proof element, or in the root.
            if (Verifies(Flip(entry, flip), proof.Hashes, root) || Verifies(entry, proof.Hashes, Flip(root, flip)))
            {
                return false;
            }
            for (var i = 0; i < proof.Hashes.Count; i++)
            {
                var tampered = proof.Hashes.ToList();
                tampered[i] = Flip(tampered[i], flip);
                if (Verifies(entry, tampered, root))
                {
                    return false;
                }
            }
            return true;
        }));

    [Fact]
    public void Every_consistency_proof_verifies_and_any_flipped_byte_breaks_it() =>
        Check.One(Runs, Prop.ForAll(Scenario(), scenario =>
        {
            var (entries, size1, size2, flip) = scenario;
            size1 = Math.Max(1, size1);
            using var log = Log.Build(entries);
            var proof = log.Value.ProveConsistencyAsync(size1, size2).GetAwaiter().GetResult();
            var root1 = log.Value.RootAsync(size1).GetAwaiter().GetResult();
            var root2 = log.Value.RootAsync(size2).GetAwaiter().GetResult();

            bool Verifies(IReadOnlyList<byte[]> p, byte[] r1, byte[] r2)
            {
                try
                {
                    ProofVerifier.VerifyConsistency((ulong)size1, (ulong)size2, r1, r2, p);
                    return true;
                }
                catch (ProofVerificationException)
                {
                    return false;
                }
            }

            if (!Verifies(proof.Hashes, root1, root2))
            {
                return false;
            }
            if (Verifies(proof.Hashes, Flip(root1, flip), root2) || Verifies(proof.Hashes, root1, Flip(root2, flip)))
            {
                return false;
            }
            for (var i = 0; i < proof.Hashes.Count; i++)
            {
                var tampered = proof.Hashes.ToList();
                tampered[i] = Flip(tampered[i], flip);
                if (Verifies(tampered, root1, root2))
                {
                    return false;
                }
            }
            return true;
        }));

    /// <summary>Entries, then a (lower, upper) pair with lower &lt; upper ≤ count, then a bit to flip.</summary>
    private static Arbitrary<(List<string> Entries, int Lower, int Upper, int Flip)> Scenario()
    {
        var gen =
            from count in Gen.Choose(1, MaxEntries)
            from entries in Gen.ListOf(Gen.Elements("alpha", "beta", "gamma", "δέλτα", "\"q\"", "")
                .Select(s => s), count)
            from upper in Gen.Choose(1, count)
            from lower in Gen.Choose(0, upper - 1)
            from flip in Gen.Choose(0, 255)
            select (entries.Select((e, i) => $"{{\"i\":{i},\"v\":\"{e.Replace("\"", "\\\"", StringComparison.Ordinal)}\"}}").ToList(), lower, upper, flip);
        return gen.ToArbitrary();
    }

    /// <summary>Flips one bit, chosen by <paramref name="which"/>, of a copy.</summary>
    private static byte[] Flip(byte[] bytes, int which)
    {
        var copy = (byte[])bytes.Clone();
        var bit = which % (copy.Length * 8);
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    private sealed class Log : IDisposable
    {
        private Log(MerkleLog value) => Value = value;

        public MerkleLog Value { get; }

        public static Log Build(List<string> entries)
        {
            var log = MerkleLog.CreateAsync(new MemoryLedgerStore(), new LedgerMetadata("prop", "")).GetAwaiter().GetResult();
            log.AppendAllAsync(entries.Select(e => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(e))).GetAwaiter().GetResult();
            return new Log(log);
        }

        public void Dispose() => Value.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
