using Custos.Access.Gateway;
using Custos.Server.Authentication;
using Microsoft.Extensions.Options;

namespace Custos.Server;

/// <summary>
/// Runs before every other part of the server starts: refuses to start with a key file that is
/// not the server's alone, makes the data directory (mode 0700), takes group and others' access
/// away from the databases the server keeps there, and makes or loads the token key.
/// </summary>
/// <remarks>
/// An unsafe key stops the server, because serving with it would look secure and not be; a data
/// directory that cannot be made yet does not, because the stores report that on <c>/readyz</c>
/// and recover once it can (a volume mounted late).
/// </remarks>
internal sealed class DataDirectoryGuard(
    IOptions<ServerOptions> server,
    IOptions<LedgerOptions> ledger,
    IOptions<AuthOptions> auth,
    LocalSigningKeyProvider tokenKey,
    ILogger<DataDirectoryGuard> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var data = server.Value.DataDirectory;
        var ledgerStore = ledger.Value.ResolveStore(data);
        foreach (var keyFile in new[] { LocalSigningKey.PathIn(data), ledger.Value.ResolveKeyFile(data, ledgerStore) })
        {
            PrivateFiles.RequirePrivateKeyFile(keyFile);
        }

        try
        {
            if (PrivateFiles.CreateDirectory(data) is { } mode)
            {
                logger.LogWarning("The data directory {Directory} is open to group or others (mode {Mode}); its files are the server's only, but 'chmod 700' it so that their names are too", data, PrivateFiles.Octal(mode));
            }
            var databases = new List<string> { Path.Combine(data, DemoRecordSource.FileName) };
            if (string.IsNullOrWhiteSpace(server.Value.Store))
            {
                databases.Add(server.Value.StoreLocation);
            }
            if (!Custos.Ledger.Storage.LedgerStores.IsPostgres(ledgerStore))
            {
                databases.Add(ledgerStore);
            }
            foreach (var database in databases)
            {
                PrivateFiles.RestrictDatabase(database);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogError("Cannot prepare the data directory {Directory}: {Reason}", data, e.Message);
        }

        if (auth.Value.Authority is null)
        {
            // Made now rather than at the first token, so that 'custos token' finds it.
            tokenKey.TryGetKey();
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
