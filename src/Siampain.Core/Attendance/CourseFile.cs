using System.Globalization;
using System.Text;
using System.Text.Json;
using Siampain.Storage;

namespace Siampain.Attendance;

/// <summary>A course file could not be read; the message names the file, the line or course, and the problem.</summary>
public sealed class CourseFileException : Exception
{
    public CourseFileException()
    {
    }

    public CourseFileException(string message)
        : base(message)
    {
    }

    public CourseFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Reads courses from JSON (the full format) or CSV (one row per weekly slot, for spreadsheets); both are
/// described in docs/attendance.md. Nothing is imported unless the whole file is valid.
/// </summary>
public static class CourseFile
{
    public const string CsvHeader = "course_id,course_name,day,start,end,room,late_grace_minutes,roster";

    private static readonly string[] CsvColumns = CsvHeader.Split(',');
    private static readonly char[] RosterSeparators = [' ', ';'];

    public static IReadOnlyList<Course> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Func<string, string, IReadOnlyList<Course>> parse = Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".JSON" => ParseJson,
            ".CSV" => ParseCsv,
            _ => throw new CourseFileException($"{path}: unknown course file type; use .json or .csv"),
        };
        try
        {
            return parse(File.ReadAllText(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CourseFileException($"{path}: cannot read the file: {e.Message}", e);
        }
    }

    public static IReadOnlyList<Course> ParseJson(string json, string source)
    {
        CourseFileDto? file;
        try
        {
            file = JsonSerializer.Deserialize(json, AttendanceJsonContext.Default.CourseFileDto);
        }
        catch (JsonException e)
        {
            throw new CourseFileException($"{source}: not a valid course file (line {e.LineNumber + 1}): {e.Message}", e);
        }

        if (file?.Courses is not { } dtos)
        {
            throw new CourseFileException($"{source}: has no \"courses\" list");
        }

        var courses = new List<Course>();
        for (var i = 0; i < dtos.Count; i++)
        {
            var dto = dtos[i];
            var where = $"{source}: courses[{i}]" + (string.IsNullOrWhiteSpace(dto.Id) ? "" : $" ('{dto.Id}')");
            var course = new Course
            {
                Id = dto.Id?.Trim() ?? "",
                Name = dto.Name?.Trim() ?? "",
                LateGraceMinutes = dto.LateGraceMinutes ?? Course.DefaultLateGraceMinutes,
                Roster = dto.Roster?.Select(r => r.Trim()).ToList() ?? [],
            };
            var slots = dto.Schedule ?? [];
            for (var s = 0; s < slots.Count; s++)
            {
                course.Schedule.Add(ParseSlot(slots[s].Day, slots[s].Start, slots[s].End, slots[s].Room, $"{where} schedule[{s}]"));
            }

            Validate(course, where);
            courses.Add(course);
        }

        EnsureUnique(courses, source);
        return courses;
    }

    public static IReadOnlyList<Course> ParseCsv(string csv, string source)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var courses = new Dictionary<string, Course>(StringComparer.Ordinal);
        var order = new List<Course>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = csv.ReplaceLineEndings("\n").Split('\n');
        var headerSeen = false;
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var where = $"{source} line {n + 1}";
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var fields = SplitCsvLine(line, where);
            if (!headerSeen)
            {
                var header = fields.Select(f => f.Trim().ToLowerInvariant()).ToArray();
                if (!header.SequenceEqual(CsvColumns))
                {
                    throw new CourseFileException($"{where}: the header must be exactly \"{CsvHeader}\"");
                }

                headerSeen = true;
                continue;
            }

            if (fields.Count != CsvColumns.Length)
            {
                throw new CourseFileException($"{where}: has {fields.Count} fields, expected {CsvColumns.Length} ({CsvHeader})");
            }

            var id = fields[0].Trim();
            var name = fields[1].Trim();
            var slot = ParseSlot(fields[2], fields[3], fields[4], fields[5], where);
            int? grace = null;
            if (!string.IsNullOrWhiteSpace(fields[6]))
            {
                grace = int.TryParse(fields[6].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var g)
                    ? g
                    : throw new CourseFileException($"{where}: late_grace_minutes '{fields[6]}' is not a whole number of minutes");
            }

            var roster = fields[7].Split(RosterSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (!courses.TryGetValue(id, out var course))
            {
                course = new Course { Id = id, Name = name, LateGraceMinutes = grace ?? Course.DefaultLateGraceMinutes };
                courses[id] = course;
                firstLine[id] = n + 1;
                order.Add(course);
            }
            else
            {
                // Later rows of a course add slots and roster members; they may repeat name and grace but not change them.
                if (name.Length > 0 && name != course.Name)
                {
                    throw new CourseFileException($"{where}: course '{id}' is named '{course.Name}' on line {firstLine[id]} and '{name}' here");
                }

                if (grace is { } g2 && g2 != course.LateGraceMinutes)
                {
                    throw new CourseFileException($"{where}: course '{id}' has late_grace_minutes {course.LateGraceMinutes} on line {firstLine[id]} and {g2} here");
                }
            }

            course.Schedule.Add(slot);
            course.Roster.AddRange(roster.Where(r => !course.Roster.Contains(r)));
            Validate(course, where);
        }

        if (!headerSeen)
        {
            throw new CourseFileException($"{source}: is empty; the first line must be \"{CsvHeader}\"");
        }

        return order;
    }

    private static ScheduleSlot ParseSlot(string? day, string? start, string? end, string? room, string where)
    {
        var slot = new ScheduleSlot
        {
            Day = ParseDay(day, where),
            Start = ParseTime(start, "start", where),
            End = ParseTime(end, "end", where),
            Room = room?.Trim() ?? "",
        };
        if (slot.End <= slot.Start)
        {
            throw new CourseFileException($"{where}: end {slot.End:HH\\:mm} is not after start {slot.Start:HH\\:mm} (sessions cannot cross midnight)");
        }

        return slot;
    }

    private static DayOfWeek ParseDay(string? text, string where)
    {
        var day = text?.Trim() ?? "";
        foreach (var value in Enum.GetValues<DayOfWeek>())
        {
            var name = value.ToString();
            if (day.Equals(name, StringComparison.OrdinalIgnoreCase) || (day.Length == 3 && name.StartsWith(day, StringComparison.OrdinalIgnoreCase)))
            {
                return value;
            }
        }

        throw new CourseFileException($"{where}: day '{text}' is not a day of the week (monday .. sunday, or mon .. sun)");
    }

    private static TimeOnly ParseTime(string? text, string field, string where)
    {
        var value = text?.Trim() ?? "";
        return TimeOnly.TryParseExact(value, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new CourseFileException($"{where}: {field} '{text}' is not a time of day (use HH:mm, 24-hour)");
    }

    private static void Validate(Course course, string where)
    {
        if (string.IsNullOrWhiteSpace(course.Id) || course.Id.Length > 64 || course.Id.Any(c => char.IsWhiteSpace(c) || c is '/' or '#' or '+'))
        {
            throw new CourseFileException($"{where}: course id '{course.Id}' must be 1-64 characters without spaces, '/', '#' or '+'");
        }

        if (string.IsNullOrWhiteSpace(course.Name))
        {
            throw new CourseFileException($"{where}: course '{course.Id}' has no name");
        }

        if (course.LateGraceMinutes is < 0 or > Course.MaxLateGraceMinutes)
        {
            throw new CourseFileException($"{where}: late grace {course.LateGraceMinutes} minutes is outside 0..{Course.MaxLateGraceMinutes}");
        }

        foreach (var person in course.Roster)
        {
            try
            {
                PeopleStore.ValidateId(person);
            }
            catch (ArgumentException e)
            {
                throw new CourseFileException($"{where}: roster: {e.Message.Split(" (Parameter", 2)[0]}", e);
            }
        }

        var duplicate = course.Roster.GroupBy(r => r, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new CourseFileException($"{where}: roster lists '{duplicate.Key}' twice");
        }

        for (var i = 0; i < course.Schedule.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var (a, b) = (course.Schedule[i], course.Schedule[j]);
                if (a.Day == b.Day && a.Start < b.End && b.Start < a.End)
                {
                    throw new CourseFileException($"{where}: course '{course.Id}' has two overlapping slots on {a.Day}");
                }
            }
        }
    }

    private static void EnsureUnique(List<Course> courses, string source)
    {
        var duplicate = courses.GroupBy(c => c.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new CourseFileException($"{source}: course '{duplicate.Key}' appears twice");
        }
    }

    /// <summary>Splits one CSV line: commas separate, double quotes may enclose a field, "" is a quote inside one.</summary>
    private static List<string> SplitCsvLine(string line, string where)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            throw new CourseFileException($"{where}: a quoted field is not closed (fields cannot span lines)");
        }

        fields.Add(field.ToString());
        return fields;
    }
}
