using System.Runtime.InteropServices;

namespace Custos.Server;

/// <summary>
/// The data directory holds secrets (the token and ledger keys) and personal data (justifications,
/// readers' IP addresses): nobody but the server's own user may read any of it.
/// </summary>
/// <remarks>
/// .NET reads a file's mode but not its owner, so on Linux the owner comes from <c>statx(2)</c>,
/// whose buffer has the same layout on every architecture (unlike <c>struct stat</c>).
/// </remarks>
public static class PrivateFiles
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The files SQLite keeps beside a database while it is open in WAL mode.</summary>
    private static readonly string[] SqliteCompanions = ["", "-wal", "-shm", "-journal"];

    /// <summary>
    /// Every file and directory the process creates from now on is its owner's only, whoever
    /// creates it (SQLite makes its databases and their WAL files 0644 under the usual umask 022).
    /// </summary>
    public static void RestrictNewFiles()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = umask(0b000_111_111);
        }
    }

    /// <summary>Creates <paramref name="directory"/> (mode 0700) unless it is there; an existing one is left as it is, and its mode returned for a warning.</summary>
    public static UnixFileMode? CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return null;
        }
        if (Directory.Exists(directory))
        {
            var mode = File.GetUnixFileMode(directory);
            return (mode & GroupOrOthers) != 0 ? mode : null;
        }
        Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        return null;
    }

    /// <summary>Takes group and others' access away from a SQLite database and its companion files, where they exist.</summary>
    public static void RestrictDatabase(string database)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        foreach (var suffix in SqliteCompanions)
        {
            var path = database + suffix;
            if (File.Exists(path) && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
            {
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) & ~GroupOrOthers);
            }
        }
    }

    /// <summary>
    /// Null when <paramref name="keyFile"/> is missing or private to this process's user; otherwise
    /// why it may not be used: a key others could read, others could have written, or that belongs
    /// to someone else is not this node's secret any more.
    /// </summary>
    public static string? KeyFileProblem(string keyFile)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(keyFile))
        {
            return null;
        }
        var mode = File.GetUnixFileMode(keyFile);
        if ((mode & GroupOrOthers) != 0)
        {
            return $"the key file {keyFile} is readable or writable by group or others (mode {Octal(mode)}); make it the server's only with 'chmod 600 {keyFile}', and replace the key if anyone else may have read it.";
        }
        if (OperatingSystem.IsLinux() && OwnerOf(keyFile) is { } owner && owner != geteuid())
        {
            return $"the key file {keyFile} belongs to uid {owner}, not to the server's user (uid {geteuid()}); 'chown' it to the server's user.";
        }
        return null;
    }

    /// <summary>Throws when <see cref="KeyFileProblem"/> finds one.</summary>
    public static void RequirePrivateKeyFile(string keyFile)
    {
        if (KeyFileProblem(keyFile) is { } problem)
        {
            throw new UnsafeKeyFileException(problem);
        }
    }

    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);

    private static uint? OwnerOf(string path)
    {
        // struct statx: stx_mask u32, stx_blksize u32, stx_attributes u64, stx_nlink u32, stx_uid u32 (offset 20).
        const int AtFdCwd = -100;
        const uint StatxUid = 0x8;
        var buffer = new byte[256];
        return statx(AtFdCwd, path, 0, StatxUid, buffer) == 0 ? BitConverter.ToUInt32(buffer, 20) : null;
    }

    [DllImport("libc", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string pathname, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint geteuid();

    [DllImport("libc", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint umask(uint mask);
}

/// <summary>A key file that others can read or write, or that belongs to someone else: the server refuses to start with it.</summary>
public sealed class UnsafeKeyFileException : Exception
{
    public UnsafeKeyFileException(string message) : base(message)
    {
    }

    public UnsafeKeyFileException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public UnsafeKeyFileException()
    {
    }
}
