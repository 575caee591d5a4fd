using System.Runtime.InteropServices;

namespace Siampain.Gpio;

/// <summary>A GPIO chip as the kernel describes it.</summary>
public sealed record GpioChipDescription(int Number, string Name, string Label, int Lines)
{
    public override string ToString() => $"gpiochip{Number} '{Label}' ({Lines} lines)";
}

/// <summary>
/// Lists GPIO chips by asking each /dev/gpiochipN for its label through the kernel's chip-info ioctl, so a chip
/// can be chosen by label without libgpiod's command-line tools (chip numbers moved between Pi 5 kernels).
/// </summary>
public static partial class GpioChips
{
    public const string DefaultDeviceDirectory = "/dev";

    private const int OpenReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC
    private const int PermissionDenied = 13; // EACCES
    private const int NoSuchFile = 2; // ENOENT

    // _IOR(0xB4, 0x01, struct gpiochip_info): direction read (2) << 30 | size 68 << 16 | type 0xB4 << 8 | number 1.
    private const uint GetChipInfoRequest = (2u << 30) | (68u << 16) | (0xB4u << 8) | 1u;

    /// <summary>Every chip under <paramref name="deviceDirectory"/>, lowest number first.</summary>
    /// <exception cref="DoorSignalException">No chip exists, or a chip cannot be opened or queried.</exception>
    public static IReadOnlyList<GpioChipDescription> List(string deviceDirectory = DefaultDeviceDirectory)
    {
        var paths = Directory.Exists(deviceDirectory) ? Directory.GetFiles(deviceDirectory, "gpiochip*") : [];
        var chips = new List<GpioChipDescription>();
        foreach (var path in paths)
        {
            if (int.TryParse(Path.GetFileName(path).AsSpan("gpiochip".Length), out var number))
            {
                chips.Add(Query(path, number));
            }
        }

        if (chips.Count == 0)
        {
            throw new DoorSignalException(
                $"No GPIO chip found ({Path.Combine(deviceDirectory, "gpiochip*")} does not exist). On the board, check that the kernel " +
                $"exposes the GPIO character device; on a machine without GPIO set {DoorSignalOptions.SectionName}:{nameof(DoorSignalOptions.Output)} to Console or None.");
        }

        chips.Sort((a, b) => a.Number.CompareTo(b.Number));
        return chips;
    }

    /// <summary>Turns <see cref="DoorSignalOptions.Chip"/> (a number or a label) into a chip number.</summary>
    /// <exception cref="DoorSignalException">No chip has that number or label; the message lists the chips present.</exception>
    public static int Resolve(string chip, string deviceDirectory = DefaultDeviceDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chip);
        var chips = List(deviceDirectory);
        var isNumber = int.TryParse(chip, out var number);
        foreach (var candidate in chips)
        {
            if ((isNumber && candidate.Number == number) || string.Equals(candidate.Label, chip, StringComparison.Ordinal))
            {
                return candidate.Number;
            }
        }

        throw new DoorSignalException(
            $"{DoorSignalOptions.SectionName}:{nameof(DoorSignalOptions.Chip)} is '{chip}', but no GPIO chip has that {(isNumber ? "number" : "label")}. " +
            $"Chips present: {string.Join(", ", chips)}.");
    }

    private static unsafe GpioChipDescription Query(string path, int number)
    {
        var fd = Open(path, OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new DoorSignalException(errno switch
            {
                PermissionDenied => $"Permission denied opening {path}: add the service user to the gpio group (usermod -aG gpio USER) and restart the service.",
                NoSuchFile => $"{path} disappeared while listing GPIO chips.",
                _ => $"Cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}.",
            });
        }

        try
        {
            ChipInfo info;
            if (Ioctl(fd, GetChipInfoRequest, &info) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new DoorSignalException($"{path} is not a GPIO chip (chip-info request failed: {Marshal.GetPInvokeErrorMessage(errno)}).");
            }

            return new GpioChipDescription(number, ReadCString(info.Name, 32), ReadCString(info.Label, 32), (int)info.Lines);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static unsafe string ReadCString(byte* text, int capacity)
    {
        var span = new ReadOnlySpan<byte>(text, capacity);
        var end = span.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int Ioctl(int fd, nuint request, ChipInfo* info);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>The kernel's struct gpiochip_info.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct ChipInfo
    {
        public fixed byte Name[32];
        public fixed byte Label[32];
        public uint Lines;
    }
}
