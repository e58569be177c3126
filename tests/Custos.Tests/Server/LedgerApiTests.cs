using Custos.Access;
using Custos.Access.Disclosure;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Hashing;
using Custos.Ledger.Notes;
using Custos.Ledger.Proofs;
using Custos.Server;
using Custos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Server;

/// <summary>The server's ledger: created on first start, appended to by the server, read and proven over /v1/ledger.</summary>
public sealed class LedgerApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_server_creates_its_ledger_with_an_owner_only_key_and_signs_the_empty_tree()
    {
        using var app = new CustosApp();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/v1/ledger/checkpoint", UriKind.Relative), Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var keyFile = Path.Combine(app.DataDirectory, "ledger.db.key");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(keyFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        using var signer = NoteSigner.Parse(await File.ReadAllTextAsync(keyFile, Cancel));
        signer.Name.ShouldBe(LedgerOptions.DefaultOrigin);
        var checkpoint = Checkpoint.Open(await response.Content.ReadAsStringAsync(Cancel), signer.Verifier);
        // A fresh server has ledgered only the world and the policy set it loaded.
        var log = await app.Services.GetRequiredService<ServerLedger>().GetLogAsync(Cancel);
        checkpoint.Size.ShouldBe(log.Size);
        checkpoint.RootHash.ShouldBe(await log.RootAsync(log.Size, Cancel));
    }

    [Fact]
    public async Task Appended_entries_are_served_byte_for_byte_and_proven_against_the_checkpoint()
    {
        using var app = new CustosApp();
        using var client = app.CreateClient();
        var appender = app.Services.GetRequiredService<IAccessLedger>();
        var entries = new List<byte[]>();
        // The server ledgers its world and policies at start-up; these come after.
        var start = await appender.SizeAsync(Cancel);
        for (var i = 0; i < 13; i++)
        {
            var entry = Encoding.UTF8.GetBytes($$"""{"kind":"decision","n":{{i}},"subject":"user:{{1000 + i}}"}""");
            (await appender.AppendAsync(entry, Cancel)).ShouldBe(start + i);
            entries.Add(entry);
        }
        using var signer = NoteSigner.Parse(await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, "ledger.db.key"), Cancel));

        var checkpoint = Checkpoint.Open(await client.GetStringAsync(new Uri("/v1/ledger/checkpoint", UriKind.Relative), Cancel), signer.Verifier);
        var size = (ulong)(start + 13);
        ((ulong)checkpoint.Size).ShouldBe(size);

        var seventh = (ulong)(start + 7);
        using var auditor = app.ClientAs(LedgerEntryAccess.AuditorService);
        using var entryResponse = await auditor.GetAsync(new Uri($"/v1/ledger/entries/{seventh}", UriKind.Relative), Cancel);
        entryResponse.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await entryResponse.Content.ReadAsByteArrayAsync(Cancel)).ShouldBe(entries[7]);

        var inclusion = await client.GetFromJsonAsync<JsonElement>(new Uri($"/v1/ledger/proofs/inclusion?index={seventh}&size={size}", UriKind.Relative), Cancel);
        inclusion.GetProperty("leaf_index").GetUInt64().ShouldBe(seventh);
        inclusion.GetProperty("tree_size").GetUInt64().ShouldBe(size);
        ProofVerifier.VerifyInclusion(seventh, size, Rfc9162.HashLeaf(entries[7]), Hashes(inclusion), checkpoint.RootHash);

        var olderSize = (ulong)(start + 6);
        var older = await client.GetFromJsonAsync<JsonElement>(new Uri($"/v1/ledger/proofs/inclusion?index={start + 2}&size={olderSize}", UriKind.Relative), Cancel);
        var olderRoot = ProofVerifier.RootFromInclusionProof((ulong)(start + 2), olderSize, Rfc9162.HashLeaf(entries[2]), Hashes(older));
        var consistency = await client.GetFromJsonAsync<JsonElement>(new Uri($"/v1/ledger/proofs/consistency?from={olderSize}&to={size}", UriKind.Relative), Cancel);
        consistency.GetProperty("size1").GetUInt64().ShouldBe(olderSize);
        consistency.GetProperty("size2").GetUInt64().ShouldBe(size);
        ProofVerifier.VerifyConsistency(olderSize, size, olderRoot, checkpoint.RootHash, Hashes(consistency));

        var latest = await client.GetFromJsonAsync<JsonElement>(new Uri($"/v1/ledger/proofs/consistency?from={olderSize}", UriKind.Relative), Cancel);
        latest.GetProperty("size2").GetUInt64().ShouldBe(size);
    }

    [Theory]
    [InlineData("/v1/ledger/entries/abc", 400)]
    [InlineData("/v1/ledger/entries/-1", 400)]
    [InlineData("/v1/ledger/entries/3000", 404)]
    [InlineData("/v1/ledger/proofs/inclusion?index=3&size=2", 400)]
    [InlineData("/v1/ledger/proofs/inclusion?index=1&size=9000", 404)]
    [InlineData("/v1/ledger/proofs/inclusion?size=2", 400)]
    [InlineData("/v1/ledger/proofs/inclusion?index=x", 400)]
    [InlineData("/v1/ledger/proofs/consistency?from=3&to=2", 400)]
    [InlineData("/v1/ledger/proofs/consistency?from=0&to=2", 400)]
    [InlineData("/v1/ledger/proofs/consistency?from=1&to=9999", 404)]
    [InlineData("/v1/ledger/proofs/consistency", 400)]
    [InlineData("/v1/ledger/leaves/-1", 400)]
    [InlineData("/v1/ledger/leaves/3000", 404)]
    [InlineData("/v1/ledger/leaves?start=2&end=1", 400)]
    [InlineData("/v1/ledger/leaves?start=0&end=1025", 400)]
    [InlineData("/v1/ledger/leaves?start=0&end=3000", 400)]
    [InlineData("/v1/ledger/leaves?start=2000&end=2010", 404)]
    [InlineData("/v1/ledger/leaves?start=3000", 404)]
    [InlineData("/v1/ledger/leaves", 400)]
    public async Task Bad_requests_are_problems(string path, int status)
    {
        using var app = new CustosApp();
        using var client = app.ClientAs(LedgerEntryAccess.AuditorService);
        var appender = app.Services.GetRequiredService<IAccessLedger>();
        for (var i = 0; i < 3; i++)
        {
            await appender.AppendAsync(Encoding.UTF8.GetBytes($"[{i}]"), Cancel);
        }

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel);

        ((int)response.StatusCode).ShouldBe(status);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        problem.GetProperty("status").GetInt32().ShouldBe(status);
        problem.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Readyz_reports_the_ledger()
    {
        using var app = new CustosApp();
        using var client = app.CreateClient();

        var ready = await client.GetFromJsonAsync<JsonElement>(new Uri("/readyz", UriKind.Relative), Cancel);

        var ledger = ready.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "ledger");
        ledger.GetProperty("status").GetString().ShouldBe("ready");
        ledger.GetProperty("detail").GetString()!.ShouldContain("ledger.db");
    }

    [Fact]
    public async Task An_entry_that_is_not_i_json_is_refused_and_appends_nothing()
    {
        using var app = new CustosApp();
        var appender = app.Services.GetRequiredService<IAccessLedger>();
        var duplicate = """{"a":1,"a":2}"""u8.ToArray();
        var log = await app.Services.GetRequiredService<ServerLedger>().GetLogAsync(Cancel);
        var before = log.Size;

        await Should.ThrowAsync<Custos.Ledger.Json.CanonicalJsonException>(() => appender.AppendAsync(duplicate, Cancel));

        log.Size.ShouldBe(before);
    }

    private static List<byte[]> Hashes(JsonElement proof) => [.. proof.GetProperty("proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!))];
}
