# CruddurHard - what the hostile and fault tests share: raw HTTP requests on
# a socket of their own (so a test can lie about framing), lighttpd's worker
# pids, and counts of what PostgreSQL and DynamoDB hold.
package CruddurHard;

use strict;
use warnings;
use Exporter 'import';
use IO::Select;
use IO::Socket::INET;
use IPC::Open2;
use HTTP::Tiny;
use JSON::PP;
use Time::HiRes qw(time);
use CruddurTest;

our @EXPORT = qw(raw_request worker_pids pid_of db_counts ddb_count wait_until);

$SIG{PIPE} = 'IGNORE';   # lighttpd may close on us while we still write

sub pid_of {
    my ($part) = @_;
    my $state = $ENV{CRUDDUR_STATE} or die "CRUDDUR_STATE is not set\n";
    open(my $fh, '<', "$state/$part.pid") or return;
    my $pid = <$fh> // '';
    chomp $pid;
    return $pid =~ /^\d+$/ ? $pid : undef;
}

# lighttpd's children that run the worker binary, sorted, as "p1,p2,...".
# Read from /proc directly: a test calls this after every request.
sub worker_pids {
    my $lpid = pid_of('lighttpd') or return '';
    my $bin = $ENV{CRUDDUR_WORKER_BIN} // '';
    opendir(my $dh, '/proc') or return '';
    my @w;
    for my $pid (grep { /^\d+$/ } readdir $dh) {
        open(my $sh, '<', "/proc/$pid/stat") or next;
        my $stat = <$sh> // '';
        # "pid (comm) state ppid ...": comm may hold spaces, so from the last ')'.
        my ($state, $ppid) = $stat =~ /\)\s+(\S)\s+(\d+)/ or next;
        next unless $ppid == $lpid && $state ne 'Z';
        # A binary rebuilt under a running worker reads "<path> (deleted)".
        push @w, $pid if (readlink("/proc/$pid/exe") // '') =~ s/ \(deleted\)\z//r eq $bin;
    }
    closedir $dh;
    return join ',', sort { $a <=> $b } @w;
}

sub wait_until {
    my ($what, $seconds) = @_;
    my $end = time + $seconds;
    while (time < $end) {
        return 1 if $what->();
        select undef, undef, undef, 0.1;
    }
    return 0;
}

# Items in the messages table: Scan with Select COUNT, every page, straight
# to DynamoDB Local (it checks no signature) so a test can count after each
# request. undef when it does not answer.
my $ddb_http = HTTP::Tiny->new(timeout => 10, keep_alive => 1);
sub ddb_count {
    my $table = $ENV{DDB_MESSAGES_TABLE} || 'cruddur-messages';
    my $url = $ENV{AWS_ENDPOINT_URL} or die "AWS_ENDPOINT_URL is not set\n";
    my ($n, $start) = (0, undef);
    for (;;) {
        my %req = (TableName => $table, Select => 'COUNT', ConsistentRead => JSON::PP::true);
        $req{ExclusiveStartKey} = $start if $start;
        my $res = $ddb_http->post("$url/", {
            headers => {
                'content-type'  => 'application/x-amz-json-1.0',
                'x-amz-target'  => 'DynamoDB_20120810.Scan',
                'authorization' => 'AWS4-HMAC-SHA256 Credential=cruddurlocal/20240101/us-east-1/dynamodb/aws4_request, '
                                   . 'SignedHeaders=host, Signature=00',
            },
            content => json_text(\%req),
        });
        return undef unless $res->{success};
        my $r = eval { decode_json($res->{content}) } or return undef;
        $n += $r->{Count};
        $start = $r->{LastEvaluatedKey} or last;
    }
    return $n;
}

# One psql kept open for the counts (a psql per query costs a fork and a
# connection each time).
my ($psql_pid, $psql_in, $psql_out);
sub pg_value {
    my ($query) = @_;
    unless ($psql_pid && kill 0, $psql_pid) {
        $psql_pid = open2($psql_out, $psql_in, 'psql', '-X', '-q', '-At', $ENV{CONNECTION_URL});
    }
    print $psql_in "$query;\n\\echo __end__\n";
    $psql_in->flush;
    my @lines;
    while (defined(my $l = <$psql_out>)) {
        chomp $l;
        last if $l eq '__end__';
        push @lines, $l;
    }
    return $lines[0];
}

# "users/activities/replies/items": what a hostile request must leave as it was.
sub db_counts {
    my $pg = pg_value(q{SELECT (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM activities)}
                      . q{ || '/' || (SELECT coalesce(sum(replies_count), 0) FROM activities)}) // 'error';
    return $pg . '/' . (ddb_count() // 'error');
}

# raw_request(BYTES, shutdown => 1, timeout => S, chunks => [BYTES...])
# Sends BYTES (then each of chunks) on a new connection to lighttpd, reads
# until the server closes or timeout. Returns { status, headers, body, json,
# raw, seconds }; status 0 when the server closed without an answer.
sub raw_request {
    my ($bytes, %opt) = @_;
    my $port = $ENV{CRUDDUR_PORT} or die "CRUDDUR_PORT is not set\n";
    my $timeout = $opt{timeout} // 40;
    my $t0 = time;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 5)
        or die "connect 127.0.0.1:$port: $!\n";
    $s->blocking(0);
    my $sel = IO::Select->new($s);
    my $in = '';
    my $closed = 0;
    for my $part ($bytes, @{ $opt{chunks} || [] }) {
        my $off = 0;
        # Write while reading, so a server that answers early and closes
        # (a header too large) does not leave us blocked on a full socket.
        while ($off < length $part && !$closed && time - $t0 < $timeout) {
            my ($r, $w) = IO::Select->select($sel, $sel, undef, 1);
            if ($r && @$r) {
                my $n = sysread($s, my $b, 65536);
                if ($n) { $in .= $b } else { $closed = 1 }
            }
            if ($w && @$w) {
                my $n = syswrite($s, $part, 65536, $off);
                if (defined $n) { $off += $n } elsif (!$!{EAGAIN}) { last }
            }
        }
    }
    shutdown($s, 1) if $opt{shutdown};
    while (!$closed && time - $t0 < $timeout) {
        next unless $sel->can_read(1);
        my $n = sysread($s, my $b, 65536);
        if (defined $n) {
            last if $n == 0;
            $in .= $b;
            last if response_complete($in);
        } elsif (!$!{EAGAIN}) {
            last;
        }
    }
    close $s;
    my %res = (status => 0, headers => {}, body => '', raw => $in, seconds => time - $t0);
    if ($in =~ m{\AHTTP/1\.[01] (\d{3})[^\r\n]*\r\n(.*?)\r\n\r\n(.*)\z}s) {
        $res{status} = $1;
        my ($head, $body) = ($2, $3);
        for (split /\r\n/, $head) {
            $res{headers}{ lc $1 } = $2 if /^([^:]+):\s*(.*)$/;
        }
        my $len = $res{headers}{'content-length'};
        $body = substr($body, 0, $len) if defined $len && $len < length $body;
        $res{body} = $body;
        if (($res{headers}{'content-type'} // '') =~ m{^application/json}) {
            $res{json} = eval { JSON::PP->new->utf8->decode($body) };
        }
    }
    return \%res;
}

sub response_complete {
    my ($in) = @_;
    return 0 unless $in =~ m{\r\n\r\n}s;
    my ($head, $body) = split /\r\n\r\n/, $in, 2;
    return 0 unless $head =~ /^content-length:\s*(\d+)/mi;
    return length($body) >= $1;
}

1;
