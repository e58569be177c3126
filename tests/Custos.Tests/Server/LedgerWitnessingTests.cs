using System.Net;
using System.Net.Sockets;
using System.Text;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Memory;
using Custos.Ledger.Witnessing;
using Custos.Server;
using Custos.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Custos.Tests.Server;

/// <summary>
/// What the server publishes as its checkpoint once witnesses are configured: only a checkpoint
/// that reached the quorum, kept while a later one falls short; and a witness that accepts the
/// connection but never answers costs a round its timeout, not a hang.
/// </summary>
public sealed class LedgerWitnessingTests : IAsyncLifetime, IDisposable
{
    private const string Origin = "published.example/custos";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly TempDirectory _temp = new();
    private readonly NoteSigner _logKey = NoteSigner.Generate(Origin);
    private readonly NoteSigner _w1 = NoteSigner.Generate("w1.example/witness", NoteKeys.CosignatureType);
    private readonly NoteSigner _w2 = NoteSigner.Generate("w2.example/witness", NoteKeys.CosignatureType);
    private readonly List<(Witness Witness, WebApplication Host)> _witnesses = [];
    private MerkleLog _log = null!;
    private ServerLedger _ledger = null!;

    public async ValueTask InitializeAsync()
    {
        _log = await MerkleLog.CreateAsync(new MemoryLedgerStore(), new LedgerMetadata(Origin, _logKey.VerifierKey), cancellation: Cancel);
        // Never opened: with witnesses configured and a checkpoint witnessed, nothing is signed on demand.
        _ledger = new ServerLedger(Options.Create(new ServerOptions { Data = _temp.Combine("unused") }), Options.Create(new LedgerOptions()), NullLogger<ServerLedger>.Instance);
        foreach (var key in new[] { _w1, _w2 })
        {
            var witness = new Witness(key, [_logKey.Verifier], _temp.Combine(key.Name.Replace('/', '_')));
            var host = WitnessHost.Build(witness, "http://127.0.0.1:0");
            await host.StartAsync(Cancel);
            _witnesses.Add((witness, host));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (witness, host) in _witnesses)
        {
            await host.DisposeAsync();
            witness.Dispose();
        }
        await _ledger.DisposeAsync();
        await _log.DisposeAsync();
    }

    public void Dispose()
    {
        foreach (var key in new[] { _logKey, _w1, _w2 })
        {
            key.Dispose();
        }
        _temp.Dispose();
    }

    [Fact]
    public async Task Only_a_checkpoint_that_reached_the_quorum_is_published_and_it_stays_so_while_a_witness_is_down()
    {
        using var witnessing = Witnessing(quorum: 2, (_w1, Url(0)), (_w2, Url(1)));
        await AppendAsync(10);
        var at10 = await _log.SignCheckpointAsync(_logKey, Cancel);
        await witnessing.WitnessAsync(at10, _log, Cancel);

        var published = await witnessing.PublishedAsync(_ledger, Cancel);
        published.ShouldStartWith(at10.Note);
        Cosignatures.Count(published, [_w1.Verifier, _w2.Verifier]).ShouldBe(2);
        witnessing.Witnessed!.Size.ShouldBe(10);

        // w2 goes down; the log grows. The new checkpoint gets one cosignature of the two needed.
        await _witnesses[1].Host.StopAsync(Cancel);
        await AppendAsync(10);
        var at20 = await _log.SignCheckpointAsync(_logKey, Cancel);
        await witnessing.WitnessAsync(at20, _log, Cancel);

        witnessing.Latest!.Size.ShouldBe(20);
        witnessing.Latest.IsWitnessed.ShouldBeFalse();
        witnessing.Latest.Cosignatures.ShouldBe(1);
        witnessing.Latest.Failures.ShouldHaveSingleItem().ShouldStartWith("w2.example/witness: ");
        (await witnessing.PublishedAsync(_ledger, Cancel)).ShouldBe(published);
        _witnesses[0].Witness.Latest(Origin).Size.ShouldBe(20);
    }

    [Fact]
    public async Task A_witness_that_never_answers_costs_a_round_its_timeout_and_the_others_still_cosign()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await silent.AcceptTcpClientAsync(Cancel));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // Stopped at the end of the test.
            }
        }, Cancel);
        using var hanging = NoteSigner.Generate("hanging.example/witness", NoteKeys.CosignatureType);
        using var witnessing = Witnessing(quorum: 1, (_w1, Url(0)), (hanging, new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/")), timeout: TimeSpan.FromSeconds(1));
        await AppendAsync(5);

        var round = witnessing.WitnessAsync(await _log.SignCheckpointAsync(_logKey, Cancel), _log, Cancel);
        // Far beyond the one-second timeout: only a round that waits on the silent witness for ever fails this.
        (await Task.WhenAny(round, Task.Delay(TimeSpan.FromSeconds(30), Cancel))).ShouldBe(round);
        await round;

        witnessing.Latest!.IsWitnessed.ShouldBeTrue();
        witnessing.Latest.Failures.ShouldHaveSingleItem().ShouldStartWith("hanging.example/witness: ");
        Cosignatures.Verify(await witnessing.PublishedAsync(_ledger, Cancel), _w1.Verifier).ShouldNotBeNull();
        silent.Stop();
        await accepting;
        accepted.ForEach(c => c.Dispose());
    }

    private Uri Url(int witness) => new(_witnesses[witness].Host.Urls.Single());

    private static LedgerWitnessing Witnessing(int quorum, (NoteSigner Key, Uri Url) first, (NoteSigner Key, Uri Url) second, TimeSpan? timeout = null)
    {
        var options = new WitnessingOptions { Quorum = quorum, Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        foreach (var (key, url) in new[] { first, second })
        {
            options.Witnesses.Add(new WitnessOptions { Url = url, Key = key.VerifierKey });
        }
        return new LedgerWitnessing(Options.Create(options), NullLogger<LedgerWitnessing>.Instance);
    }

    private Task<IReadOnlyList<long>> AppendAsync(int count) =>
        _log.AppendAllAsync([.. Enumerable.Range(0, count).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{{\"n\":{i},\"at\":{_log.Size}}}"))], Cancel);
}
