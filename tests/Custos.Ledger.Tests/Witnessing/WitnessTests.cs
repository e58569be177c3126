using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Memory;
using Custos.Ledger.Witnessing;
using Custos.Testing;
using NSec.Cryptography;

namespace Custos.Ledger.Tests.Witnessing;

/// <summary>
/// C2SP tlog-witness and tlog-cosignature: a witness cosigns only checkpoints that extend what it
/// cosigned before; its cosignatures verify by the spec's message alone; and a log that shows two
/// witnesses two different trees of one size cannot gather a quorum of two.
/// </summary>
public sealed class WitnessTests : IAsyncLifetime, IDisposable
{
    private const string Origin = "witnessed.example/log";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly TempDirectory _temp = new();
    private readonly NoteSigner _logKey = NoteSigner.Generate(Origin);
    private readonly NoteSigner _w1 = NoteSigner.Generate("w1.example/witness", NoteKeys.CosignatureType);
    private readonly NoteSigner _w2 = NoteSigner.Generate("w2.example/witness", NoteKeys.CosignatureType);
    private MerkleLog _log = null!;
    private MerkleLog _fork = null!;

    public async ValueTask InitializeAsync()
    {
        // Two logs under one key: the same first 10 entries, then different ones.
        _log = await CreateAsync("main");
        _fork = await CreateAsync("fork");
    }

    public async ValueTask DisposeAsync()
    {
        await _log.DisposeAsync();
        await _fork.DisposeAsync();
    }

    public void Dispose()
    {
        _logKey.Dispose();
        _w1.Dispose();
        _w2.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_cosignature_is_an_ed25519_signature_over_the_spec_message_with_the_time()
    {
        var witness = NewWitness(_w1, "w1", new DateTimeOffset(2026, 12, 6, 4, 0, 0, TimeSpan.Zero));
        var note = await SignAsync(_log, 10);

        var response = await witness.AddCheckpointAsync(new AddCheckpoint(0, [], note).ToBody(), Cancel);

        response.Status.ShouldBe(200, response.Body);
        // Checked without Custos's code: the key id of type 0x04, the timestamp, the message.
        var vkey = _w1.VerifierKey.Split('+', 3); // the key's base64 may itself contain '+'
        var publicKey = Convert.FromBase64String(vkey[2]);
        publicKey[0].ShouldBe((byte)0x04);
        response.Body.ShouldEndWith("\n");
        var line = response.Body.TrimEnd('\n');
        line.ShouldStartWith("\u2014 w1.example/witness ");
        var payload = Convert.FromBase64String(line.Split(' ')[2]);
        payload.Length.ShouldBe(4 + 8 + 64);
        var keyIdInput = Encoding.UTF8.GetBytes("w1.example/witness\n").Concat(publicKey).ToArray();
        payload[..4].ShouldBe(System.Security.Cryptography.SHA256.HashData(keyIdInput)[..4]);
        var timestamp = BinaryPrimitives.ReadUInt64BigEndian(payload.AsSpan(4));
        timestamp.ShouldBe(1796529600UL);
        var text = note[..(note.IndexOf("\n\n", StringComparison.Ordinal) + 1)];
        var message = Encoding.UTF8.GetBytes($"cosignature/v1\ntime {timestamp.ToString(CultureInfo.InvariantCulture)}\n{text}");
        var key = PublicKey.Import(SignatureAlgorithm.Ed25519, publicKey.AsSpan(1), KeyBlobFormat.RawPublicKey);
        SignatureAlgorithm.Ed25519.Verify(key, message, payload.AsSpan(12)).ShouldBeTrue();

        Cosignatures.Verify(note + response.Body, _w1.Verifier).ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1796529600));
        Cosignatures.Verify(note + response.Body, _w2.Verifier).ShouldBeNull();
        Cosignatures.Count(note + response.Body, [_w1.Verifier, _w2.Verifier]).ShouldBe(1);
    }

    [Fact]
    public async Task A_witness_follows_a_growing_log_and_refuses_rollbacks_forks_and_inconsistent_proofs()
    {
        var witness = NewWitness(_w1, "w1");
        (await witness.AddCheckpointAsync(new AddCheckpoint(0, [], await SignAsync(_log, 10)).ToBody(), Cancel)).Status.ShouldBe(200);
        var grown = await SignAsync(_log, 20);
        var proof = (await _log.ProveConsistencyAsync(10, 20, Cancel)).Hashes;
        (await witness.AddCheckpointAsync(new AddCheckpoint(10, proof, grown).ToBody(), Cancel)).Status.ShouldBe(200);

        // A stale old size: 409 with the size it holds, as text/x.tlog.size.
        var stale = await witness.AddCheckpointAsync(new AddCheckpoint(10, proof, grown).ToBody(), Cancel);
        (stale.Status, stale.ContentType, stale.Body).ShouldBe((409, Witness.SizeContentType, "20\n"));
        // A rollback: an old size above the checkpoint's.
        (await witness.AddCheckpointAsync(new AddCheckpoint(20, [], await SignAsync(_log, 15)).ToBody(), Cancel)).Status.ShouldBe(400);
        // A fork of the same size: 409.
        (await witness.AddCheckpointAsync(new AddCheckpoint(20, [], await SignAsync(_fork, 20)).ToBody(), Cancel)).Status.ShouldBe(409);
        // A fork that grew: its proof from 20 does not lead to the head the witness holds.
        var forkProof = (await _fork.ProveConsistencyAsync(20, 30, Cancel)).Hashes;
        (await witness.AddCheckpointAsync(new AddCheckpoint(20, forkProof, await SignAsync(_fork, 30)).ToBody(), Cancel)).Status.ShouldBe(422);

        witness.Latest(Origin).Size.ShouldBe(20);
        // What it cosigned is durable: a restarted witness knows it.
        var restarted = NewWitness(_w1, "w1").Latest(Origin);
        restarted.Size.ShouldBe(20);
        restarted.Root.ShouldBe(await _log.RootAsync(20, Cancel));
    }

    [Fact]
    public async Task A_witness_refuses_unknown_logs_bad_signatures_and_malformed_requests()
    {
        var witness = NewWitness(_w1, "w1");
        using var stranger = NoteSigner.Generate("stranger.example/log");
        var strangerNote = new Checkpoint(stranger.Name, 0, Custos.Ledger.Hashing.Rfc9162.EmptyRoot).Sign(stranger);
        (await witness.AddCheckpointAsync(new AddCheckpoint(0, [], strangerNote).ToBody(), Cancel)).Status.ShouldBe(404);

        using var impostor = NoteSigner.Generate(Origin);
        var forged = new Checkpoint(Origin, 10, await _log.RootAsync(10, Cancel)).Sign(impostor);
        (await witness.AddCheckpointAsync(new AddCheckpoint(0, [], forged).ToBody(), Cancel)).Status.ShouldBe(403);

        foreach (var body in new[] { "", "old 01\n\n", "old x\n\n", "old 0\nnot base64!\n\n" + await SignAsync(_log, 10) })
        {
            (await witness.AddCheckpointAsync(body, Cancel)).Status.ShouldBe(400, body);
        }
        witness.Latest(Origin).Size.ShouldBe(0);
    }

    [Fact]
    public async Task A_log_showing_two_witnesses_two_trees_of_one_size_cannot_gather_a_quorum_of_two()
    {
        using var http = new HttpClient(new WitnessHandler(new()
        {
            ["w1"] = NewWitness(_w1, "w1"),
            ["w2"] = NewWitness(_w2, "w2"),
        }));
        var w1 = new WitnessClient(http, new Uri("http://witness/w1/"), _w1.Verifier);
        var w2 = new WitnessClient(http, new Uri("http://witness/w2/"), _w2.Verifier);
        var witnesses = new[] { _w1.Verifier, _w2.Verifier };

        // An honest log gathers both.
        var honest = await SignAsync(_log, 10);
        var cosigned = honest + await w1.AddCheckpointAsync(honest, 10, Prove(_log, 10), Cancel) + await w2.AddCheckpointAsync(honest, 10, Prove(_log, 10), Cancel);
        Cosignatures.Count(cosigned, witnesses).ShouldBe(2);

        // Split view at size 20: one tree to w1, another to w2. Each has seen only the common
        // prefix, so each cosigns what it is shown, and each tree has one cosignature of two.
        var seenByW1 = await SignAsync(_log, 20);
        var seenByW2 = await SignAsync(_fork, 20);
        var onlyW1 = seenByW1 + await w1.AddCheckpointAsync(seenByW1, 20, Prove(_log, 20), Cancel);
        var onlyW2 = seenByW2 + await w2.AddCheckpointAsync(seenByW2, 20, Prove(_fork, 20), Cancel);
        Cosignatures.Count(onlyW1, witnesses).ShouldBe(1);
        Cosignatures.Count(onlyW2, witnesses).ShouldBe(1);

        // Asking both for either tree, through the group, gathers no quorum: the other witness refuses it.
        var group = new WitnessGroup([w1, w2], quorum: 2);
        foreach (var (note, log) in new[] { (seenByW1, _log), (seenByW2, _fork) })
        {
            var result = await group.CosignAsync(note, 20, Prove(log, 20), Cancel);
            result.IsWitnessed.ShouldBeFalse();
            result.Cosignatures.ShouldBe(1);
            result.Failures.ShouldHaveSingleItem().ShouldContain("409");
        }

        // Nor can the log swap: w1, having cosigned one tree of 20, refuses the other.
        var other = new WitnessClient(http, new Uri("http://witness/w1/"), _w1.Verifier);
        var refusal = await Should.ThrowAsync<WitnessException>(() => other.AddCheckpointAsync(seenByW2, 20, Prove(_fork, 20), Cancel));
        refusal.Message.ShouldContain("409");
    }

    private static Func<long, CancellationToken, Task<IReadOnlyList<byte[]>>> Prove(MerkleLog log, long size) =>
        async (old, c) => (await log.ProveConsistencyAsync(old, size, c)).Hashes;

    private Witness NewWitness(NoteSigner key, string name, DateTimeOffset? now = null) =>
        new(key, [_logKey.Verifier], _temp.Combine(name), now is { } t ? new FixedTime(t) : null);

    private async Task<MerkleLog> CreateAsync(string branch)
    {
        var log = await MerkleLog.CreateAsync(new MemoryLedgerStore(), new LedgerMetadata(Origin, _logKey.VerifierKey));
        var entries = Enumerable.Range(0, 30).Select(i => Encoding.UTF8.GetBytes(i < 10 ? $"{{\"n\":{i}}}" : $"{{\"n\":{i},\"b\":\"{branch}\"}}"));
        await log.AppendAllAsync(entries.Select(e => (ReadOnlyMemory<byte>)e));
        return log;
    }

    /// <summary>A checkpoint of the first <paramref name="size"/> entries, signed with the log's key.</summary>
    private async Task<string> SignAsync(MerkleLog log, long size) =>
        new Checkpoint(Origin, size, await log.RootAsync(size, Cancel)).Sign(_logKey);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Witnesses in process: POST http://witness/NAME/add-checkpoint.</summary>
    private sealed class WitnessHandler(Dictionary<string, Witness> witnesses) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var segments = request.RequestUri!.AbsolutePath.Trim('/').Split('/');
            if (request.Method != HttpMethod.Post || segments is not [var name, "add-checkpoint"] || !witnesses.TryGetValue(name, out var witness))
            {
                return new HttpResponseMessage(HttpStatusCode.NotFound);
            }
            var answer = await witness.AddCheckpointAsync(await request.Content!.ReadAsStringAsync(cancellationToken), cancellationToken);
            var content = new StringContent(answer.Body);
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(answer.ContentType);
            return new HttpResponseMessage((HttpStatusCode)answer.Status) { Content = content };
        }
    }
}
