using System.Text;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Hashing;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Proofs;
using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Memory;
using Custos.Ledger.Tests.Support;
using Custos.Ledger.Tiles;
using Custos.Ledger.Tree;
using Custos.Testing;

namespace Custos.Ledger.Tests.Tiles;

/// <summary>
/// C2SP tlog-tiles: paths as the spec spells them, tiles whose hashes are the RFC 9162 tree's
/// (checked against the literal reference tree, not the log's own arithmetic), and a client
/// that proves inclusion and consistency from tiles alone against a signed checkpoint.
/// </summary>
public sealed class TileTests(TileTests.SignedLog fixture) : IClassFixture<TileTests.SignedLog>
{
    private const string Origin = "tiles.example/log";

    // Past 256² so that the tree has level-2 tiles and full level-1 ones.
    private const int Size = 66_000;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly NoteSigner _signer = fixture.Signer;
    private readonly List<byte[]> _entries = fixture.Entries;
    private readonly MerkleLog _log = fixture.Log;

    /// <summary>One log of <see cref="Size"/> entries for the whole class; no test appends to it.</summary>
    public sealed class SignedLog : IAsyncLifetime
    {
        public NoteSigner Signer { get; } = NoteSigner.Generate(Origin);

        public List<byte[]> Entries { get; } = Numbered(Size);

        public MerkleLog Log { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Log = await CreateAsync(Signer, Entries);

        public async ValueTask DisposeAsync()
        {
            await Log.DisposeAsync();
            Signer.Dispose();
        }
    }

    [Theory]
    [InlineData(0L, 256, "000")]
    [InlineData(5L, 256, "005")]
    [InlineData(999L, 256, "999")]
    [InlineData(1000L, 256, "x001/000")]
    [InlineData(1234067L, 256, "x001/x234/067")]
    [InlineData(1234067L, 7, "x001/x234/067.p/7")]
    [InlineData(0L, 1, "000.p/1")]
    [InlineData(1000000L, 255, "x001/x000/000.p/255")]
    public void Tile_indexes_are_spelled_in_x_prefixed_groups_of_three_digits(long index, int width, string path)
    {
        TilePath.Format(index, width).ShouldBe(path);
        TilePath.TryParse(path, out var parsedIndex, out var parsedWidth).ShouldBeTrue();
        (parsedIndex, parsedWidth).ShouldBe((index, width));
    }

    [Theory]
    [InlineData("5")]
    [InlineData("0005")]
    [InlineData("x000/005")]
    [InlineData("001/005")]
    [InlineData("x1/005")]
    [InlineData("005.p/0")]
    [InlineData("005.p/256")]
    [InlineData("005.p/07")]
    [InlineData("005.p/")]
    [InlineData("005/")]
    [InlineData("x999/x999/x999/x999/x999/x999/x999/999")]
    [InlineData("")]
    public void Other_spellings_of_a_tile_index_are_refused(string path) =>
        TilePath.TryParse(path, out _, out _).ShouldBeFalse();

    [Fact]
    public void A_tree_of_70000_entries_has_the_tiles_the_spec_lists()
    {
        // tlog-tiles: "273 full level 0 tiles, one partial level 0 tile of width 112, one full
        // level 1 tile, one partial level 1 tile of width 17, and one partial level 2 tile of width 1."
        var tiles = Tile.AllOf(70_000).ToList();
        tiles.Count(t => t.Level == 0 && t.IsFull).ShouldBe(273);
        tiles.Where(t => !t.IsFull).Select(t => t.Path).ShouldBe(["tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1"]);
        tiles.Single(t => t.Level == 1 && t.IsFull).Path.ShouldBe("tile/1/000");
        Tile.AllOf(256).Select(t => t.Path).ShouldBe(["tile/0/000", "tile/1/000.p/1"]);
        Tile.AllOf(0).ShouldBeEmpty();
    }

    [Fact]
    public async Task Tile_hashes_are_the_merkle_tree_hashes_of_256_to_the_level_entries()
    {
        var level0 = await _log.ReadHashTileAsync(new Tile(0, 3, Tile.FullWidth), Cancel);
        for (var i = 0; i < Tile.FullWidth; i++)
        {
            Hash(level0, i).ShouldBe(Rfc9162.HashLeaf(_entries[(3 * 256) + i]));
        }
        var level1 = await _log.ReadHashTileAsync(new Tile(1, 0, Tile.FullWidth), Cancel);
        foreach (var i in new[] { 0, 1, 100, 255 })
        {
            Hash(level1, i).ShouldBe(ReferenceTree.Root(_entries, i * 256, (i + 1) * 256));
        }
        var level2 = await _log.ReadHashTileAsync(new Tile(2, 0, 1), Cancel);
        level2.ShouldBe(ReferenceTree.Root(_entries, 0, 65_536));
        var partial = await _log.ReadHashTileAsync(new Tile(0, Size / 256, Size % 256), Cancel);
        partial.Length.ShouldBe(Size % 256 * 32);
        Hash(partial, (Size % 256) - 1).ShouldBe(Rfc9162.HashLeaf(_entries[^1]));
    }

    [Fact]
    public async Task A_tile_the_log_does_not_hold_whole_is_not_served()
    {
        await Should.ThrowAsync<LedgerRangeException>(() => _log.ReadHashTileAsync(new Tile(0, Size / 256, Tile.FullWidth), Cancel));
        await Should.ThrowAsync<LedgerRangeException>(() => _log.ReadHashTileAsync(new Tile(0, Size / 256, (Size % 256) + 1), Cancel));
        await Should.ThrowAsync<LedgerRangeException>(() => _log.ReadHashTileAsync(new Tile(3, 0, 1), Cancel));
        await Should.ThrowAsync<LedgerRangeException>(() => _log.ReadEntryBundleAsync(new Tile(0, 1000, 1), Cancel));
    }

    [Fact]
    public async Task An_entry_bundle_holds_the_exact_entries_of_its_level_0_tile()
    {
        var bundle = await _log.ReadEntryBundleAsync(new Tile(0, 2, Tile.FullWidth), Cancel);
        bundle[..2].ShouldBe(new byte[] { 0, (byte)_entries[512].Length }); // big-endian uint16 length first
        var entries = LogTiles.SplitEntryBundle(bundle);
        entries.ShouldBe(_entries.GetRange(512, 256));
        var partial = LogTiles.SplitEntryBundle(await _log.ReadEntryBundleAsync(new Tile(0, Size / 256, 3), Cancel));
        partial.ShouldBe(_entries.GetRange(Size / 256 * 256, 3));
        Should.Throw<FormatException>(() => LogTiles.SplitEntryBundle(bundle.AsSpan(0, bundle.Length - 1)));
    }

    [Fact]
    public async Task An_entry_too_long_for_an_entry_bundle_is_refused()
    {
        var tooLong = Encoding.UTF8.GetBytes($"\"{new string('a', ushort.MaxValue)}\"");
        await Should.ThrowAsync<LedgerAppendException>(() => _log.AppendAsync(tooLong, Cancel));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(255L)]
    [InlineData(256L)]
    [InlineData(257L)]
    [InlineData(65_535L)]
    [InlineData(65_536L)]
    [InlineData(65_537L)]
    [InlineData(Size)]
    public async Task Roots_and_proofs_computed_from_tiles_are_the_logs(long size)
    {
        var tiled = new TiledTree(size, (tile, c) => _log.ReadHashTileAsync(tile, c));
        var root = await tiled.RootAsync(Cancel);
        root.ShouldBe(await _log.RootAsync(size, Cancel));
        foreach (var index in new[] { 0, size / 3, size - 1 })
        {
            (await tiled.InclusionProofAsync(index, Cancel)).ShouldBe((await _log.ProveInclusionAsync(index, size, Cancel)).Hashes);
        }
        foreach (var size1 in new[] { 1, size / 2, size - 1, size }.Where(s => s >= 1))
        {
            (await tiled.ConsistencyProofAsync(size1, Cancel)).ShouldBe((await _log.ProveConsistencyAsync(size1, size, Cancel)).Hashes);
        }
    }

    [Fact]
    public async Task A_client_with_only_the_written_tiles_and_the_verifier_key_proves_inclusion()
    {
        using var directory = new TempDirectory();
        var note = (await _log.SignCheckpointAsync(_signer, Cancel)).Note;
        var written = await TileWriter.WriteAsync(_log, note, directory.Path, entryBundles: false, Cancel);
        written.ShouldBe(Tile.AllOf(Size).Count() + 1);
        Directory.Exists(Path.Combine(directory.Path, "tile", "entries")).ShouldBeFalse("entry bodies are confidential: not written unless asked");

        // The client: the checkpoint file and the verifier key; the tiles fetched by path.
        var checkpoint = Checkpoint.Open(File.ReadAllText(Path.Combine(directory.Path, "checkpoint")), NoteVerifier.Parse(_signer.VerifierKey));
        var fetched = new List<string>();
        var tiled = new TiledTree(checkpoint.Size, (tile, c) =>
        {
            fetched.Add(tile.Path);
            return File.ReadAllBytesAsync(Path.Combine(directory.Path, tile.Path), c);
        });
        const long index = 40_000;
        var leaf = Rfc9162.HashLeaf(_entries[(int)index]);
        var proof = await tiled.InclusionProofAsync(index, Cancel);
        ProofVerifier.VerifyInclusion(index, (ulong)checkpoint.Size, leaf, proof, checkpoint.RootHash);
        fetched.Distinct().Count().ShouldBeLessThanOrEqualTo(5, "a proof needs about one tile per level and edge");

        // A tile changed on the static server makes the proof fail.
        var tilePath = Path.Combine(directory.Path, Tile.Holding(0, index, Size).Path);
        var bytes = await File.ReadAllBytesAsync(tilePath, Cancel);
        bytes[((int)index % 256 ^ 1) * 32] ^= 1; // the sibling leaf hash
        await File.WriteAllBytesAsync(tilePath, bytes, Cancel);
        var fresh = new TiledTree(checkpoint.Size, (tile, c) => File.ReadAllBytesAsync(Path.Combine(directory.Path, tile.Path), c));
        var forged = await fresh.InclusionProofAsync(index, Cancel);
        Should.Throw<ProofVerificationException>(() => ProofVerifier.VerifyInclusion(index, (ulong)checkpoint.Size, leaf, forged, checkpoint.RootHash));
    }

    [Fact]
    public async Task Writing_again_keeps_full_tiles_and_adds_the_new_ones()
    {
        using var directory = new TempDirectory();
        await using var log = await CreateAsync(_signer, Numbered(257 * 256));
        var first = (await log.SignCheckpointAsync(_signer, Cancel)).Note;
        await TileWriter.WriteAsync(log, first, directory.Path, entryBundles: true, Cancel);
        var more = Encoding.UTF8.GetBytes("{\"n\":\"more\"}");
        await log.AppendAsync(more, Cancel);
        var second = (await log.SignCheckpointAsync(_signer, Cancel)).Note;
        var written = await TileWriter.WriteAsync(log, second, directory.Path, entryBundles: true, Cancel);
        // Only level 0 changed (257 full tiles, then one of width 1): its new partial tile,
        // that tile's entry bundle, and the checkpoint.
        written.ShouldBe(3);
        File.ReadAllText(Path.Combine(directory.Path, "checkpoint")).ShouldBe(second);
        LogTiles.SplitEntryBundle(File.ReadAllBytes(Path.Combine(directory.Path, "tile/entries/257.p/1")))[^1].ShouldBe(more);
        Directory.EnumerateFiles(directory.Path, "*.tmp", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    private static byte[] Hash(byte[] tile, int i) => tile.AsSpan(i * 32, 32).ToArray();

    private static List<byte[]> Numbered(int count) => [.. Enumerable.Range(0, count).Select(i => Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"))];

    private static async Task<MerkleLog> CreateAsync(NoteSigner signer, List<byte[]> entries)
    {
        var log = await MerkleLog.CreateAsync(new MemoryLedgerStore(), new LedgerMetadata(Origin, signer.VerifierKey));
        await log.AppendAllAsync(entries.Select(e => (ReadOnlyMemory<byte>)e));
        return log;
    }
}
