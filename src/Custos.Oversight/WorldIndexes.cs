using Custos.Access.Decisions;
using Custos.Access.Storage;
using Custos.Detection;
using Custos.Formats;

namespace Custos.Oversight;

/// <summary>
/// Detection's view of worlds, by hash: the active one (from the decision state) or any world
/// the ledger ever activated (from the store, where every activated document is kept). Holds
/// the two indexes it built last — the active world's, and the one a replay of older decisions
/// needs: worlds change rarely, and an index is the size of its world.
/// </summary>
public sealed class WorldIndexes(AccessStateHolder state, AccessStore store) : IDisposable
{
    private const int Kept = 2;

    private readonly SemaphoreSlim _building = new(1, 1);
    private volatile (string Sha256, WorldIndex Index)[] _kept = [];

    /// <summary>The index of the active world.</summary>
    public async Task<(string Sha256, WorldIndex Index)> ActiveAsync(CancellationToken cancellation)
    {
        var current = state.Current;
        return (current.WorldSha256, (await GetAsync(current.WorldSha256, cancellation))!);
    }

    /// <summary>The index of the world of hash <paramref name="sha256"/>; null when the store does not hold it.</summary>
    public async Task<WorldIndex?> GetAsync(string sha256, CancellationToken cancellation)
    {
        if (Find(sha256) is { } kept)
        {
            return kept;
        }
        await _building.WaitAsync(cancellation);
        try
        {
            if (Find(sha256) is { } built)
            {
                return built;
            }
            World? world;
            if (state.IsLoaded && state.Current.WorldSha256 == sha256)
            {
                world = state.Current.Directory.World;
            }
            else
            {
                var content = await store.DocumentAsync(sha256, cancellation);
                world = content is null ? null : WorldFile.Read(content, $"world {sha256[..Math.Min(12, sha256.Length)]}");
            }
            if (world is null)
            {
                return null;
            }
            var index = new WorldIndex(world);
            _kept = [(sha256, index), .. _kept.Take(Kept - 1)];
            return index;
        }
        finally
        {
            _building.Release();
        }
    }

    public void Dispose() => _building.Dispose();

    private WorldIndex? Find(string sha256)
    {
        foreach (var (hash, index) in _kept)
        {
            if (hash == sha256)
            {
                return index;
            }
        }
        return null;
    }
}
