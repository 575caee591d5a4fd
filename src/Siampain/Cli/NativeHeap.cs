using System.Runtime.InteropServices;

namespace Siampain.Cli;

/// <summary>
/// glibc's allocator tuned for the service. ONNX Runtime and the runtime's own threads allocate natively; glibc
/// gives every thread that meets contention an arena of its own (up to 8 per core) and keeps each arena's freed
/// pages, so a dozen threads hold tens of MB that are rarely used again. With two arenas the service's soak
/// measured 9 MB less resident memory at 3 minutes (164 against 173 MB), processing the same frames. The limit is
/// set from inside the process (not MALLOC_ARENA_MAX) so that it holds however the service is started.
/// </summary>
internal static partial class NativeHeap
{
    // M_ARENA_MAX in glibc's malloc.h.
    private const int ArenaMaxParameter = -8;

    public static void LimitArenas(int arenas)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallOpt(ArenaMaxParameter, arenas);
        }
        catch (EntryPointNotFoundException)
        {
            // Not glibc (musl has no arenas to limit): nothing to tune.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
