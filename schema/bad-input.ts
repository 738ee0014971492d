import { GraphQLError } from 'graphql';
import { ErrorCode } from './error-codes.ts';

/** A `BAD_USER_INPUT` error naming the argument that is wrong, e.g. `filter.nhsNumber`. */
export function badUserInput(argument: string, message: string): GraphQLError {
  return new GraphQLError(`Invalid ${argument}: ${message}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, argument },
  });
}
