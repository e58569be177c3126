using System.Net;
using System.Text;
using Custos.Access;
using Custos.Access.Disclosure;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Hashing;
using Custos.Ledger.Notes;
using Custos.Ledger.Proofs;
using Custos.Ledger.Tiles;
using Custos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Server;

/// <summary>
/// The server's ledger as C2SP tlog-tiles under /tlog: a client holding only the verifier key
/// proves inclusion from tiles it fetched anonymously; entry bundles reach auditors alone.
/// </summary>
public sealed class TlogApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_client_with_the_verifier_key_proves_an_entry_from_anonymous_tiles_and_an_auditor_reads_its_bundle()
    {
        using var app = new CustosApp();
        using var anonymous = app.CreateClient();
        var appender = app.Services.GetRequiredService<IAccessLedger>();
        var start = await appender.SizeAsync(Cancel);
        var entries = new List<byte[]>();
        for (var i = 0; i < 300; i++)
        {
            var entry = Encoding.UTF8.GetBytes($$"""{"kind":"test","n":{{i}}}""");
            await appender.AppendAsync(entry, Cancel);
            entries.Add(entry);
        }
        using var signer = NoteSigner.Parse(await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, "ledger.db.key"), Cancel));

        using var checkpointResponse = await anonymous.GetAsync(new Uri("/tlog/checkpoint", UriKind.Relative), Cancel);
        checkpointResponse.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; charset=utf-8");
        checkpointResponse.Headers.CacheControl!.MaxAge.ShouldBe(TimeSpan.FromSeconds(5));
        var checkpoint = Checkpoint.Open(await checkpointResponse.Content.ReadAsStringAsync(Cancel), signer.Verifier);
        checkpoint.Size.ShouldBe(start + 300);

        var cacheControls = new Dictionary<string, string>();
        var tiled = new TiledTree(checkpoint.Size, async (tile, c) =>
        {
            using var response = await anonymous.GetAsync(new Uri($"/tlog/{tile.Path}", UriKind.Relative), c);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, tile.Path);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/octet-stream");
            cacheControls[tile.Path] = response.Headers.CacheControl!.ToString();
            return await response.Content.ReadAsByteArrayAsync(c);
        });
        var index = start + 10;
        var proof = await tiled.InclusionProofAsync(index, Cancel);
        ProofVerifier.VerifyInclusion((ulong)index, (ulong)checkpoint.Size, Rfc9162.HashLeaf(entries[10]), proof, checkpoint.RootHash);
        cacheControls["tile/0/000"].ShouldBe("public, max-age=31536000, immutable");
        cacheControls.Single(c => c.Key.StartsWith("tile/0/001.p/", StringComparison.Ordinal)).Value.ShouldBe("public, max-age=60");

        var bundlePath = new Uri("/tlog/tile/entries/000", UriKind.Relative);
        (await anonymous.GetAsync(bundlePath, Cancel)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var reader = app.ClientAs("staff:amara");
        (await reader.GetAsync(bundlePath, Cancel)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var auditor = app.ClientAs(LedgerEntryAccess.AuditorService);
        using var bundleResponse = await auditor.GetAsync(bundlePath, Cancel);
        bundleResponse.Headers.CacheControl!.Private.ShouldBeTrue("entry bodies must not stay in a shared cache");
        var bundle = LogTiles.SplitEntryBundle(await bundleResponse.Content.ReadAsByteArrayAsync(Cancel));
        bundle.Count.ShouldBe(256);
        bundle[(int)index].ShouldBe(entries[10]);
    }

    [Fact]
    public async Task With_a_tiles_directory_the_server_keeps_the_static_log_at_its_latest_checkpoint()
    {
        using var temp = new Custos.Testing.TempDirectory();
        var directory = temp.Combine("tiles");
        using var app = new CustosApp(settings: new Dictionary<string, string?>
        {
            ["Ledger:TilesDirectory"] = directory,
            ["Ledger:CheckpointInterval"] = "00:00:00.1",
        });
        var log = await app.Services.GetRequiredService<Custos.Server.ServerLedger>().GetLogAsync(Cancel);
        await app.Services.GetRequiredService<IAccessLedger>().AppendAsync("{\"kind\":\"test\"}"u8.ToArray(), Cancel);
        var size = log.Size;
        using var signer = NoteSigner.Parse(await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, "ledger.db.key"), Cancel));

        var checkpointFile = Path.Combine(directory, "checkpoint");
        Checkpoint? checkpoint = null;
        for (var waited = 0; waited < 200 && checkpoint?.Size != size; waited++)
        {
            await Task.Delay(50, Cancel);
            checkpoint = File.Exists(checkpointFile) ? Checkpoint.Open(await File.ReadAllTextAsync(checkpointFile, Cancel), signer.Verifier) : null;
        }

        checkpoint.ShouldNotBeNull().Size.ShouldBe(size);
        var tree = new TiledTree(size, (tile, c) => File.ReadAllBytesAsync(Path.Combine(directory, tile.Path), c));
        (await tree.RootAsync(Cancel)).ShouldBe(checkpoint.RootHash);
        Directory.Exists(Path.Combine(directory, "tile", "entries")).ShouldBeFalse("a public directory gets no entry bodies");
    }

    [Theory]
    [InlineData("/tlog/tile/0/5", HttpStatusCode.BadRequest)]
    [InlineData("/tlog/tile/0/x000/005", HttpStatusCode.BadRequest)]
    [InlineData("/tlog/tile/00/000", HttpStatusCode.BadRequest)]
    [InlineData("/tlog/tile/64/000", HttpStatusCode.BadRequest)]
    [InlineData("/tlog/tile/0/000.p/256", HttpStatusCode.BadRequest)]
    [InlineData("/tlog/tile/0/x001/000", HttpStatusCode.NotFound)]
    [InlineData("/tlog/tile/5/000.p/1", HttpStatusCode.NotFound)]
    public async Task A_tile_path_that_is_not_canonical_is_refused_and_one_past_the_tree_is_absent(string path, HttpStatusCode status)
    {
        using var app = new CustosApp();
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel);
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }
}
