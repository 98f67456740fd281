/// The exit statuses of graygate, documented in the README; CI gates branch on them.
enum ExitCode: Int32 {
    /// The verdict is pass, or warn without `--fail-on warn`.
    case pass = 0

    /// The verdict is fail, or warn with `--fail-on warn`.
    case fail = 1

    /// Too few requests to decide.
    case inconclusive = 2

    /// The run cannot be trusted: broken traffic split or too many rejected lines.
    case invalid = 3

    /// The command line is wrong (EX_USAGE).
    case usage = 64

    /// The configuration file is invalid (EX_CONFIG).
    case configuration = 78

    /// A summary file is damaged, from another version, or made with another mapping (EX_DATAERR).
    case dataError = 65

    /// An input could not be opened (EX_NOINPUT).
    case noInput = 66

    /// Reading or writing failed (EX_IOERR).
    case ioError = 74

    /// An unexpected internal failure (EX_SOFTWARE).
    case software = 70
}
