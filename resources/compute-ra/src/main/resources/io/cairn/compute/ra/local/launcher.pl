# Cairn's local task launcher: one per local pool, started by the server, which sends it tasks on stdin.
#
# Request (every field ends with a NUL byte):
#   R id control-folder work-folder stdin-file-or-empty stdout-file stderr-file argc arg... envc NAME=VALUE...
# Answers (one line each, in this order per task):
#   S id pid        forked: the task runs as pid, the leader of a session of its own
#   F id message    not started (a file could not be opened, fork failed); nothing ran
#   X id code       ended: code as a shell reports it (128 + signal if killed), written to control-folder/exit first
# The command is exec'd as given (never through a shell), with exactly the given environment; if it cannot be
# exec'd it exits 127 (not found) or 126 with the reason on its stderr, as a shell would.
# When stdin closes (the server stopped or crashed) it closes stdout (it reports nothing more), still waits for its
# tasks and writes their exit codes, then exits: the tasks outlive the server, as their recorded codes do.
use strict;
use warnings;
use POSIX ();
use Errno ();

$SIG{PIPE} = 'IGNORE';      # the server may be gone; its tasks are not
POSIX::setsid();            # out of the server's process group: a signal to that group leaves tasks' codes intact
my $wake_r; my $wake_w;
pipe($wake_r, $wake_w) or die "cairn-launcher: pipe: $!\n";
for my $fh ($wake_r, $wake_w) { my $f = fcntl($fh, POSIX::F_GETFL(), 0); fcntl($fh, POSIX::F_SETFL(), $f | POSIX::O_NONBLOCK()); }
$SIG{CHLD} = sub { syswrite($wake_w, 'c') };

my %tasks;                  # pid => [id, control folder]
my $buffer = '';
my $open = 1;               # stdin and stdout: the server listens


sub answer {
    my ($line) = @_;
    return unless $open;
    my $off = 0;
    while ($off < length $line) {
        my $n = syswrite(STDOUT, $line, length($line) - $off, $off);
        if (!defined $n) { next if $!{EINTR}; return; }
        $off += $n;
    }
}

sub reap {
    while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
        my $status = $?;
        my $task = delete $tasks{$pid} or next;
        my $code = ($status & 127) ? 128 + ($status & 127) : ($status >> 8);
        if (open(my $fh, '>', "$task->[1]/exit")) { syswrite($fh, "$code\n"); close($fh); }
        answer("X $task->[0] $code\n");
    }
}

sub start {
    my ($id, $control, $dir, $in, $out, $err, $argv, $env) = @_;
    my ($fi, $fo, $fe);
    open($fi, '<', $in eq '' ? '/dev/null' : $in) or return answer("F $id cannot open stdin $in: $!\n");
    open($fo, '>', $out) or return answer("F $id cannot open stdout $out: $!\n");
    open($fe, '>', $err) or return answer("F $id cannot open stderr $err: $!\n");
    -d $dir or return answer("F $id the work folder $dir is missing\n");
    my $pid = fork();
    if (!defined $pid) { return answer("F $id fork failed: $!\n"); }
    if ($pid == 0) {
        $SIG{PIPE} = 'DEFAULT'; $SIG{CHLD} = 'DEFAULT';
        POSIX::setsid();
        POSIX::dup2(fileno($fi), 0); POSIX::dup2(fileno($fo), 1); POSIX::dup2(fileno($fe), 2);
        if (!chdir($dir)) { print STDERR "cairn-task: cannot enter $dir: $!\n"; POSIX::_exit(126); }
        %ENV = ();
        for my $pair (@$env) { my $i = index($pair, '='); $ENV{substr($pair, 0, $i)} = substr($pair, $i + 1); }
        { no warnings 'exec'; exec { $argv->[0] } @$argv; }
        my $missing = $!{ENOENT};
        print STDERR "cairn-task: $argv->[0]: " . ($missing ? 'not found' : "$!") . "\n";
        POSIX::_exit($missing ? 127 : 126);
    }
    close($fi); close($fo); close($fe);
    $tasks{$pid} = [$id, $control];
    answer("S $id $pid\n");
}

# one request from the front of the buffer, removed from it; () while it is incomplete
sub take {
    my $pos = 0;
    my $field = sub {
        my $end = index($buffer, "\0", $pos);
        return undef if $end < 0;
        my $value = substr($buffer, $pos, $end - $pos);
        $pos = $end + 1;
        return $value;
    };
    my @head;
    for (1 .. 8) { my $v = $field->(); return () unless defined $v; push @head, $v; }
    die "cairn-launcher: bad request\n" unless $head[0] eq 'R';
    my @argv;
    for (1 .. $head[7]) { my $v = $field->(); return () unless defined $v; push @argv, $v; }
    my $envc = $field->(); return () unless defined $envc;
    my @env;
    for (1 .. $envc) { my $v = $field->(); return () unless defined $v; push @env, $v; }
    substr($buffer, 0, $pos) = '';
    return (@head[1 .. 6], \@argv, \@env);
}

answer("READY 1\n");
while ($open || %tasks) {
    reap();
    last unless $open || %tasks;
    my $rin = '';
    vec($rin, fileno($wake_r), 1) = 1;
    vec($rin, fileno(STDIN), 1) = 1 if $open;
    my $n = select(my $rout = $rin, undef, undef, 0.2);   # the timeout only guards against a lost wake-up
    next if $n <= 0;
    if (vec($rout, fileno($wake_r), 1)) { my $drain; 1 while sysread($wake_r, $drain, 512); }
    if ($open && vec($rout, fileno(STDIN), 1)) {
        my $got = sysread(STDIN, $buffer, 65536, length $buffer);
        if (!defined $got) { next if $!{EINTR} || $!{EAGAIN}; $got = 0; }
        if ($got == 0) { $open = 0; close(STDOUT); next; }
        while (my @request = take()) { start(@request); }
    }
}
