# OtlpReceiver - a small OTLP/HTTP receiver of the tests' own (no
# OpenTelemetry Collector is installable here): it accepts POSTs to
# /v1/traces and keeps each body, or misbehaves on demand.
#
#   my $r = OtlpReceiver->start;          # a free port below 32768
#   $r->mode('ok' | 'fail' | 'hang');     # 200, 500, accept and never answer
#   $r->mode('discard');                  # 200 without keeping the body (bench)
#   $r->posts                             # [{ path, headers, body }, ...]
#   $r->stop;                             # nothing listens any more
package OtlpReceiver;

use strict;
use warnings;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX ();

sub start {
    my ($class) = @_;
    my $dir = tempdir('otlp-receiver.XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my ($srv, $port);
    for (1 .. 200) {
        $port = 20000 + int(rand(12000));
        $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port,
                                     Listen => 64, ReuseAddr => 1, Proto => 'tcp');
        last if $srv;
    }
    die "OtlpReceiver: no free port\n" unless $srv;
    my $self = bless { dir => $dir, port => $port }, $class;
    $self->mode('ok');
    my $pid = fork() // die "fork: $!\n";
    if ($pid == 0) {
        _serve($srv, $dir);
        POSIX::_exit(0);
    }
    close $srv;
    $self->{pid} = $pid;
    return $self;
}

sub port { $_[0]{port} }
sub url { "http://127.0.0.1:$_[0]{port}" }

sub mode {
    my ($self, $mode) = @_;
    open(my $fh, '>', "$self->{dir}/mode.tmp") or die "mode: $!\n";
    print $fh $mode;
    close $fh;
    rename "$self->{dir}/mode.tmp", "$self->{dir}/mode" or die "mode: $!\n";
}

sub posts {
    my ($self) = @_;
    my @out;
    for my $f (sort { ($a =~ /(\d+)/)[0] <=> ($b =~ /(\d+)/)[0] } glob "$self->{dir}/post-*.req") {
        open(my $fh, '<:raw', $f) or next;
        my $raw = do { local $/; <$fh> };
        close $fh;
        my ($head, $body) = split /\r\n\r\n/, $raw, 2;
        my ($line, @h) = split /\r\n/, $head;
        my %headers = map { my ($k, $v) = split /:\s*/, $_, 2; (lc $k => $v) } @h;
        my (undef, $path) = split ' ', $line;
        push @out, { path => $path, headers => \%headers, body => $body };
    }
    return \@out;
}

sub stop {
    my ($self) = @_;
    return unless $self->{pid};
    kill 'KILL', $self->{pid};
    local $?;               # from DESTROY at exit: not the test's status
    waitpid $self->{pid}, 0;
    delete $self->{pid};
}

sub DESTROY { $_[0]->stop }

# The child: one connection at a time, whole request, then the answer.
sub _serve {
    my ($srv, $dir) = @_;
    my ($n, @held) = (0);
    while (my $c = $srv->accept) {
        my $mode = 'ok';
        if (open(my $fh, '<', "$dir/mode")) {
            $mode = <$fh> // 'ok';
            close $fh;
        }
        if ($mode eq 'hang') {
            push @held, $c;         # accepted, never read, never answered
            next;
        }
        my $raw = '';
        my $want;
        while (1) {
            my $got = sysread($c, my $chunk, 65536);
            last unless $got;
            $raw .= $chunk;
            if (!defined $want && $raw =~ /\r\n\r\n/) {
                my ($head) = split /\r\n\r\n/, $raw, 2;
                my ($len) = $head =~ /^content-length:\s*(\d+)/mi;
                $want = length($head) + 4 + ($len // 0);
            }
            last if defined $want && length($raw) >= $want;
        }
        $n++;
        if ($mode ne 'discard' && open(my $fh, '>:raw', "$dir/post-$n.tmp")) {
            print $fh $raw;
            close $fh;
            rename "$dir/post-$n.tmp", "$dir/post-$n.req";
        }
        my ($code, $body) = $mode eq 'fail' ? ('500 Internal Server Error', '{"error":"x"}')
                                            : ('200 OK', '{}');
        print $c "HTTP/1.1 $code\r\nContent-Type: application/json\r\n"
               . "Content-Length: " . length($body) . "\r\nConnection: close\r\n\r\n$body";
        close $c;
    }
}

1;
