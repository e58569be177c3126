using System.Formats.Tar;
using System.IO.Compression;

namespace Custos.Cedar.Benchmarks;

/// <summary>Finds tests/conformance/cedar/corpus.tar.gz in the repository and extracts it to a temporary directory.</summary>
public static class CorpusLocator
{
    public static string Extract()
    {
        var archive = Find();
        var directory = Directory.CreateTempSubdirectory("custos-cedar-bench-").FullName;
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        TarFile.ExtractToDirectory(gzip, directory, overwriteFiles: false);
        return directory;
    }

    private static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var archive = Path.Combine(directory.FullName, "tests", "conformance", "cedar", "corpus.tar.gz");
                if (File.Exists(Path.Combine(directory.FullName, "Custos.slnx")) && File.Exists(archive))
                {
                    return Path.GetFullPath(archive);
                }
            }
        }
        throw new FileNotFoundException("tests/conformance/cedar/corpus.tar.gz was not found in the repository");
    }
}
