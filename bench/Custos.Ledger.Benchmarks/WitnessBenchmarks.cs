using BenchmarkDotNet.Attributes;
using Custos.Ledger.Checkpoints;
using Custos.Ledger.Log;
using Custos.Ledger.Notes;
using Custos.Ledger.Storage;
using Custos.Ledger.Storage.Memory;
using Custos.Ledger.Witnessing;

namespace Custos.Ledger.Benchmarks;

/// <summary>
/// A witness's cost per checkpoint (C2SP tlog-witness): parse the request, verify the log's
/// signature and the consistency proof, write the new head durably (temporary file, fsync,
/// rename) and sign the cosignature; and an auditor's cost to check two cosignatures. The
/// checkpoints are made beforehand: a log growing by 100 entries between checkpoints, each
/// submitted with the proof from the one before.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class WitnessBenchmarks : IDisposable
{
    private const int Checkpoints = 256;
    private const long FirstSize = 1_000;
    private const long Step = 100;

    private readonly NoteSigner _logKey = NoteSigner.Generate("bench.example/log");
    private readonly NoteSigner _w1 = NoteSigner.Generate("w1.example/witness", NoteKeys.CosignatureType);
    private readonly NoteSigner _w2 = NoteSigner.Generate("w2.example/witness", NoteKeys.CosignatureType);
    private readonly List<string> _bodies = [];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"custos-witness-bench-{Guid.NewGuid():n}");
    private Witness? _witness;
    private string _cosigned = "";
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var store = new MemoryLedgerStore();
        store.CreateAsync(new LedgerMetadata(_logKey.Name, _logKey.VerifierKey)).GetAwaiter().GetResult();
        ProofBenchmarks.Fill(store, FirstSize + (Step * Checkpoints));
        var log = MerkleLog.OpenAsync(store, new MerkleLogOptions { OwnsStore = true }).GetAwaiter().GetResult();
        var previous = 0L;
        for (var i = 0; i < Checkpoints; i++)
        {
            var size = FirstSize + (Step * i);
            var note = new Checkpoint(_logKey.Name, size, log.RootAsync(size).GetAwaiter().GetResult()).Sign(_logKey);
            var proof = previous == 0 ? [] : log.ProveConsistencyAsync(previous, size).GetAwaiter().GetResult().Hashes;
            _bodies.Add(new AddCheckpoint(previous, proof, note).ToBody());
            previous = size;
        }
        log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var last = AddCheckpoint.Parse(_bodies[^1]).Note;
        var text = last[..(last.IndexOf("\n\n", StringComparison.Ordinal) + 1)];
        _cosigned = last + Cosignatures.Sign(_w1, text, DateTimeOffset.UtcNow) + Cosignatures.Sign(_w2, text, DateTimeOffset.UtcNow);
    }

    /// <summary>Each iteration a witness that has seen nothing, fed the checkpoints in order.</summary>
    [IterationSetup(Target = nameof(Submit))]
    public void NewWitness()
    {
        _witness?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
        _witness = new Witness(_w1, [_logKey.Verifier], _directory);
        _next = 0;
    }

    [Benchmark(Description = "witness add-checkpoint: verify, prove, fsync the head, cosign")]
    [InvocationCount(Checkpoints)]
    public async Task<int> Submit()
    {
        var response = await _witness!.AddCheckpointAsync(_bodies[_next++]);
        return response.Status == 200 ? 0 : throw new InvalidOperationException(response.Body);
    }

    [Benchmark(Description = "auditor: check two witnesses' cosignatures on a checkpoint")]
    public int VerifyCosignatures() => Cosignatures.Count(_cosigned, [_w1.Verifier, _w2.Verifier]);

    [GlobalCleanup]
    public void Dispose()
    {
        _witness?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
        _logKey.Dispose();
        _w1.Dispose();
        _w2.Dispose();
        GC.SuppressFinalize(this);
    }
}
