/** Discord's epoch (2015-01-01), the zero point of a snowflake's timestamp bits. */
const discordEpoch = 1_420_070_400_000n;
let last = 0n;

/**
 * A fresh, strictly increasing snowflake with the current time in its top bits, so that discord.js'
 * `createdTimestamp` and Discord's ordering by id both work as they do against the real API.
 */
export function nextSnowflake(): string {
    const now = (BigInt(Date.now()) - discordEpoch) << 22n;
    last = now > last ? now : last + 1n;
    return last.toString();
}
