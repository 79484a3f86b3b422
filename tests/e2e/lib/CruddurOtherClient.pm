# CruddurOtherClient - another client of the messages table (the AWS SDK for
# Python, through ddb-other-client.py), and the pieces of the items it
# writes the way the Flask app writes them: timestamps and version-4 UUIDs.
package CruddurOtherClient;

use strict;
use warnings;
use Exporter 'import';
use FindBin;
use JSON::PP;
use POSIX qw(strftime);
use Time::HiRes ();

our @EXPORT = qw(put_items query_items S ts uuid4);

my $other_client = "$FindBin::Bin/lib/ddb-other-client.py";
my $json = JSON::PP->new->utf8->canonical;

# Each item (DynamoDB JSON) with a plain PutItem; dies when one fails.
sub put_items {
    open(my $ph, '|-', 'python3', $other_client, 'put') or die "python3: $!\n";
    print $ph $json->encode(\@_);
    close $ph or die "ddb-other-client.py put failed\n";
}

# Every item of partition PK, read consistently: an array reference.
sub query_items {
    my ($pk) = @_;
    open(my $ph, '-|', 'python3', $other_client, 'query', $pk) or die "python3: $!\n";
    my $text = do { local $/; <$ph> };
    close $ph or die "ddb-other-client.py query failed\n";
    return $json->decode($text);
}

sub S { return { S => $_[0] } }

# A created_at as the Flask app writes it (isoformat, UTC), each one a
# millisecond after the last, starting an hour ago: older than anything the
# API writes during the run.
my $clock = int(Time::HiRes::time() * 1e6) - 3_600_000_000;
sub ts {
    $clock += 1000;
    my $s = int($clock / 1e6);
    return strftime('%Y-%m-%dT%H:%M:%S', gmtime $s) . sprintf('.%06d+00:00', $clock % 1e6);
}

# A random version-4 UUID, as Python's uuid.uuid4() prints it.
sub uuid4 {
    my @b = map { int rand 256 } 1 .. 16;
    $b[6] = ($b[6] & 0x0f) | 0x40;
    $b[8] = ($b[8] & 0x3f) | 0x80;
    my $h = join '', map { sprintf '%02x', $_ } @b;
    return join '-', substr($h, 0, 8), substr($h, 8, 4), substr($h, 12, 4), substr($h, 16, 4), substr($h, 20);
}

1;
