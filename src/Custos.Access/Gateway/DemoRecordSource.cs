using System.Text.Json.Nodes;
using Custos.Access.Decisions;

namespace Custos.Access.Gateway;

/// <summary>The demo connector for gateway mode at <c>path</c>, filled for whichever world is active.</summary>
public sealed class DemoRecordSource(AccessStateHolder state, string path) : IRecordSource, IDisposable
{
    public const string FileName = "platform-demo.db";

    private readonly SemaphoreSlim _opening = new(1, 1);
    private (string World, SqliteRecordSource Source)? _open;

    public async Task<IReadOnlyDictionary<string, JsonNode?>> ReadAsync(string subject, IReadOnlyCollection<string> categories, CancellationToken cancellation)
    {
        var current = state.Current;
        var open = _open;
        if (open is null || open.Value.World != current.WorldSha256)
        {
            await _opening.WaitAsync(cancellation);
            try
            {
                if (_open is null || _open.Value.World != current.WorldSha256)
                {
                    _open = (current.WorldSha256, await SqliteRecordSource.OpenAsync(path, current.Directory, cancellation));
                }
                open = _open;
            }
            finally
            {
                _opening.Release();
            }
        }
        return await open!.Value.Source.ReadAsync(subject, categories, cancellation);
    }

    public void Dispose() => _opening.Dispose();
}
