using System.Formats.Tar;
using System.IO.Compression;

namespace Custos.Cedar.Tests.Support;

/// <summary>
/// The Cedar integration-test corpus in tests/conformance/cedar/corpus.tar.gz (in the
/// repository), extracted once per test run into a temporary directory.
/// </summary>
public sealed class Corpus : IDisposable
{
    public Corpus()
    {
        Archive = FindArchive();
        Directory = System.IO.Directory.CreateTempSubdirectory("custos-cedar-corpus-").FullName;
        using var file = File.OpenRead(Archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        TarFile.ExtractToDirectory(gzip, Directory, overwriteFiles: false);
    }

    public string Archive { get; }

    /// <summary>Where the archive was extracted: holds corpus-tests/, tests/ and sample-data/.</summary>
    public string Directory { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans its temp directory eventually.
        }
    }

    /// <summary>Walks up from the test assembly to the repository (it holds Custos.slnx), then to tests/conformance.</summary>
    public static string FindArchive()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Custos.slnx")))
            {
                var archive = Path.Combine(directory.FullName, "tests", "conformance", "cedar", "corpus.tar.gz");
                if (File.Exists(archive))
                {
                    return Path.GetFullPath(archive);
                }
                throw new FileNotFoundException($"the Cedar corpus was not found at {Path.GetFullPath(archive)}");
            }
        }
        throw new DirectoryNotFoundException("the repository root (with Custos.slnx) was not found above the test assembly");
    }
}
