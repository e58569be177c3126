using System.CommandLine;
using Custos.Cedar.Syntax;

namespace Custos.Cli;

/// <summary>
/// <c>custos cedar check-parse</c> and <c>custos cedar format</c>: the commands that read policy
/// files as text, without a schema or entities. Each file is read whole; a directory stands for
/// its <c>*.cedar</c> files in name order, as the server reads it.
/// </summary>
internal static class CedarTextCommands
{
    private const string PathsDescription = "Cedar policy files, or directories whose *.cedar files are read (not their subdirectories), as the server reads a policy directory.";

    public static Command CheckParseCommand()
    {
        var paths = new Argument<FileSystemInfo[]>("PATH") { Description = PathsDescription, Arity = ArgumentArity.OneOrMore };
        var command = new Command("check-parse", "Check that policy files parse as Cedar; print file:line:column and the error for each that does not. Exit 0 all parse, 1 otherwise.")
        {
            paths,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var files = PolicyFiles(parse.GetValue(paths)!);
            var failures = 0;
            var policies = 0;
            foreach (var file in files)
            {
                try
                {
                    policies += Parser.ParsePolicies(File.ReadAllText(file)).Count;
                }
                catch (CedarParseException e)
                {
                    output.WriteLine($"{file}:{e.Line}:{e.Column}: {e.Reason}");
                    failures++;
                }
            }
            if (failures > 0)
            {
                return ExitCodes.Failure;
            }
            output.WriteLine($"{files.Count} {(files.Count == 1 ? "file parses" : "files parse")} ({policies} {(policies == 1 ? "policy" : "policies")})");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command FormatCommand()
    {
        var paths = new Argument<FileSystemInfo[]>("PATH") { Description = PathsDescription, Arity = ArgumentArity.OneOrMore };
        var check = new Option<bool>("--check") { Description = "Change nothing; print each file that would change and exit 1 if any would." };
        var command = new Command("format", "Lay out policy files in Cedar's canonical format, in place (each file replaced atomically), keeping annotations and comments. Exit 1 if a file does not parse (then nothing is written) or, with --check, would change.")
        {
            paths, check,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var formatted = new List<(string File, string Text)>();
            var failures = 0;
            foreach (var file in PolicyFiles(parse.GetValue(paths)!))
            {
                var text = File.ReadAllText(file);
                try
                {
                    var canonical = Formatter.Format(text);
                    if (canonical != text)
                    {
                        formatted.Add((file, canonical));
                    }
                }
                catch (CedarParseException e)
                {
                    output.WriteLine($"{file}:{e.Line}:{e.Column}: {e.Reason}");
                    failures++;
                }
            }
            if (failures > 0)
            {
                return ExitCodes.Failure;
            }
            foreach (var (file, text) in formatted)
            {
                if (parse.GetValue(check))
                {
                    output.WriteLine($"{file}: would be reformatted");
                }
                else
                {
                    ReplaceAtomically(file, text);
                    output.WriteLine($"{file}: reformatted");
                }
            }
            return parse.GetValue(check) && formatted.Count > 0 ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The files named, each directory replaced by its <c>*.cedar</c> files in ordinal name order.</summary>
    internal static List<string> PolicyFiles(IEnumerable<FileSystemInfo> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path.FullName))
            {
                files.AddRange(Directory.EnumerateFiles(path.ToString(), "*.cedar").Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path.FullName))
            {
                files.Add(path.ToString());
            }
            else
            {
                throw new FileNotFoundException($"the policy file or directory '{path}' does not exist");
            }
        }
        return files;
    }

    /// <summary>Writes beside the file and renames over it, so that a crash leaves the old text or the new, never half.</summary>
    private static void ReplaceAtomically(string file, string text)
    {
        var temporary = $"{file}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                var bytes = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, file, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
