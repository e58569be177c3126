using System.Diagnostics;

namespace Custos.Tests.Support;

/// <summary><c>custos ledger …</c> through the built executable, with stdin.</summary>
public static class LedgerCli
{
    public static Task<ProcessResult> RunAsync(params string[] args) => CustosProcess.RunAsync(["ledger", .. args]);

    /// <summary>Runs a command with <paramref name="input"/> on its standard input.</summary>
    public static async Task<ProcessResult> RunWithInputAsync(string input, params string[] args)
    {
        using var process = Process.Start(CustosProcess.StartInfo(["ledger", .. args]))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cancel.Token);
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Creates a ledger in <paramref name="store"/> and returns its verifier key.</summary>
    public static async Task<string> InitAsync(string store, string origin = "test.custos/ledger", string? keyFile = null)
    {
        var init = await RunAsync(["init", "--store", store, "--origin", origin, .. keyFile is null ? Array.Empty<string>() : ["--key-file", keyFile]]);
        init.ExitCode.ShouldBe(0, init.StandardError);
        return init.StandardOutput.Trim();
    }
}
